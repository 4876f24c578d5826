"""The demo park: who and what ``manage.py load_demo`` creates, and ``demo_info`` prints.

Demo passwords are public by design (printed at ``make run``); they meet the complexity
policy so the demo behaves like production. Never load the demo into a production database.
"""

PARK_NAME = "数智产业园"
PARK_CODE = "101"
DEMO_PASSWORD = "Demo#Park2026"

# (name, short name, credit code with a valid check character, enterprise code, GB/T 4754 code,
#  address, contact name, phone, e-mail)
ENTERPRISES = [
    (
        "苏州智联精密机械有限公司",
        "智联精密",
        "91320594MA1XKL7K3B",
        "ZLJM",
        "C3484",
        "苏州工业园区星湖街 328 号",
        "周建华",
        "13812340001",
        "zhoujh@zljm.example.cn",
    ),
    (
        "江苏华芯电子科技有限公司",
        "华芯电子",
        "91320594MA1YHX3P66",
        "HXDZ",
        "C3973",
        "苏州工业园区金鸡湖大道 1355 号",
        "陈晓燕",
        "13812340002",
        "chenxy@hxdz.example.cn",
    ),
    (
        "苏州绿源新材料股份有限公司",
        "绿源新材",
        "91320594MA20LY5Q2D",
        "LYXC",
        "C2651",
        "苏州工业园区唯亭镇春辉路 18 号",
        "王志强",
        "13812340003",
        "wangzq@lyxc.example.cn",
    ),
]

# (username, display name, park role) — park staff
PARK_USERS = [
    ("park_admin", "园区管理员 刘洋", "park_admin"),
    ("park_operator", "园区运营 孙丽", "park_operator"),
    ("park_auditor", "园区审计 赵敏", "park_auditor"),
]

# The first enterprise's administrator is the one approval creates (``zljm_admin``); its member:
ENTERPRISE_MEMBER = ("zljm_member", "智联精密 张伟", "ZLJM")
