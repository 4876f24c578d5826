"""English for the imports app (picked up by locale/fill_en.py after makemessages)."""

EN = {
    # Job states
    "已上传": "Uploaded",
    "校验中": "Validating",
    "校验通过，待确认": "Valid, awaiting confirmation",
    "有错误": "Has errors",
    "导入中": "Importing",
    "已导入": "Imported",
    # Forms
    "元数据模板": "Metadata templates",
    "支持 .xlsx 与 CSV（UTF-8 或 GBK）；单个文件不超过 %(mb)s MB、%(rows)s 行": (
        ".xlsx or CSV (UTF-8 or GBK); at most %(mb)s MB and %(rows)s rows per file"
    ),
    "格式": "Format",
    "关键字": "Keyword",
    # Column mapping
    "第 %(row)s 行「%(col)s」: 模板中没有这一列，已忽略": "Row %(row)s, “%(col)s”: the template has no such column, so it was ignored",
    "表头中这些列出现了不止一次：%(cols)s": "These columns appear more than once in the header: %(cols)s",
    "缺少必填列「对象代码」": "The required column “Object code” is missing",
    "缺少必填列：%(cols)s": "Required columns are missing: %(cols)s",
    "。文件未导入，请对照模板修改表头后重新上传。": ". The file was not imported. Correct the header to match the template and upload it again.",
    "文件的数据行超过上限 %(limit)s 行。请拆分成多个文件分批导入。": (
        "The file has more than %(limit)s data rows. Split it into several files and import them one at a time."
    ),
    # Models
    "文件格式": "File format",
    "文件大小": "File size",
    "解析结果": "Parsed rows",
    "数据行数": "Data rows",
    "新增": "New",
    "更新": "Updated",
    "未变化": "Unchanged",
    "错误数": "Errors",
    "提示": "Warnings",
    "校验任务": "Validation task",
    "导入任务": "Import task",
    "导入时间": "Imported at",
    "批量导入导出": "Bulk import and export",
    # Reading files
    "文件大小 %(size)s MB，超过上限 %(limit)s MB。请拆分成多个文件分批导入。": (
        "The file is %(size)s MB, over the limit of %(limit)s MB. Split it into several files and import them one at a time."
    ),
    "不支持 Excel 97-2003 的 .xls 文件。请在 Excel 中选择「文件 → 另存为 → Excel 工作簿 (*.xlsx)」后重新上传。": (
        "Excel 97-2003 .xls files are not supported. In Excel, choose “File → Save As → Excel Workbook (*.xlsx)” "
        "and upload the file again."
    ),
    "只支持 .xlsx 或 .csv 文件，收到的是「%(name)s」。": "Only .xlsx and .csv files are supported, but “%(name)s” was uploaded.",
    "文件「%(name)s」的扩展名是 .xlsx，但内容不是 Excel 工作簿。请用 Excel 打开后另存为 .xlsx 再上传。": (
        "The file “%(name)s” has the extension .xlsx but is not an Excel workbook. Open it in Excel, save it "
        "as .xlsx and upload it again."
    ),
    "文件「%(name)s」的扩展名是 .csv，但内容不是文本表格（看起来是 Excel 或其他二进制文件）。": (
        "The file “%(name)s” has the extension .csv but is not a text table (it looks like an Excel or other "
        "binary file)."
    ),
    "无法读取第 %(row)s 行附近的单元格：文件可能已损坏。请用 Excel 打开后重新保存再上传。": (
        "Cannot read the cells near row %(row)s: the file may be damaged. Open it in Excel, save it again and "
        "upload it."
    ),
    "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式。": "Cannot read the Excel file: it is damaged or not in .xlsx format.",
    "找不到表头：工作表前 %(n)s 行中没有「对象代码」列。": (
        "No header found: none of the first %(n)s rows of the worksheet has an “Object code” column."
    ),
    "无法识别 CSV 文件的字符编码。请保存为「CSV UTF-8（逗号分隔）」后重新上传。": (
        "Cannot detect the character encoding of the CSV file. Save it as “CSV UTF-8 (Comma delimited)” and "
        "upload it again."
    ),
    "文件内容不是文本表格，无法按 CSV 读取。": "The file is not a text table and cannot be read as CSV.",
    "找不到表头：文件前 %(n)s 行中没有「对象代码」列。": (
        "No header found: none of the first %(n)s rows of the file has an “Object code” column."
    ),
    # Services and tasks
    "只能按已发布的模板版本导入": "Imports must use a published template version",
    "导入校验：%(name)s": "Import validation: %(name)s",
    "必填，不能为空": "Required; cannot be empty",
    "第 %(row)s 行「%(column)s」: %(message)s": "Row %(row)s, “%(column)s”: %(message)s",
    "导入数据与模板版本不一致，请重新上传": "The import data does not match the template version. Please upload the file again",
    "文件中没有数据行": "The file has no data rows",
    "只有校验通过且没有错误的导入才能确认": "Only imports that passed validation without errors can be confirmed",
    "导入：%(name)s": "Import: %(name)s",
    "导入任务状态不允许写入": "The import task is not in a state that allows writing",
    "导入失败，未写入任何数据": "The import failed; no data was written",
    # Templates
    "导入": "Import",
    "正在读取并校验": "Reading and validating",
    "正在导入": "Importing",
    "全部写入完成前，系统中看不到任何一条导入的数据。": "None of the imported data is visible until all of it has been written.",
    "导入结果": "Import result",
    "校验报告（试运行）": "Validation report (dry run)",
    "数据行": "Data rows",
    "已新增": "Created",
    "将新增": "To create",
    "已更新": "Updated",
    "将更新": "To update",
    "确认导入（新增 %(n)s，更新 %(m)s）": "Confirm import (%(n)s new, %(m)s updated)",
    "错误（共 %(n)s 处，文件未导入）": "Errors (%(n)s in total; the file was not imported)",
    "下载错误报告（Excel，出错单元格标红）": "Download the error report (Excel, with bad cells in red)",
    "按元数据模板下载 Excel 模板，填写后上传。系统先在后台校验全部数据并给出报告，确认后一次性写入；任何一行有错都不会写入。": (
        "Download the Excel template of a metadata template, fill it in and upload it. All data is first "
        "validated in the background and reported on; after you confirm, it is written in one go. If any row "
        "has an error, nothing is written."
    ),
    "1. 下载导入模板": "1. Download the import template",
    "下载 Excel 模板": "Download Excel template",
    "2. 上传文件": "2. Upload the file",
    "上传并校验": "Upload and validate",
    "导出标识": "Export identifiers",
    "导出": "Export",
    "导出文件与导入模板的列相同，修改后可直接重新导入。": (
        "Exports have the same columns as the import template, so you can edit them and import them again directly."
    ),
    "导入记录": "Import history",
    "行数": "Rows",
    "还没有导入记录": "No imports yet",
    "已开始导入，完成前不会写入任何数据": "Import started. No data is written until it has finished",
    "请选择要导出的模板": "Please choose a template to export",
    # Workbook
    "长度 %(a)s–%(b)s": "Length %(a)s–%(b)s",
    "范围 %(a)s–%(b)s": "Range %(a)s–%(b)s",
    "小数位 ≤ %(p)s": "Decimal places ≤ %(p)s",
    "单位 %(u)s": "Unit %(u)s",
    "格式：%(h)s": "Format: %(h)s",
    "可选：%(c)s": "Choices: %(c)s",
    "填写已存在的标识，例如 88.101.ABC/B001": "An existing identifier, e.g. 88.101.ABC/B001",
    "示例%(name)s": "Sample %(name)s",
    "无效的值": "Invalid value",
    "请从下拉列表中选择": "Please choose from the drop-down list",
    "批量导入填写说明 — %(t)s": "Bulk import instructions — %(t)s",
    "1. 在「数据」工作表中从第 3 行开始填写，每行一个标识对象；第 2 行为隐藏的数据项编码行，请勿修改或删除。": (
        "1. Fill in the “数据” (data) worksheet from row 3, one identifier object per row. Row 2 is the hidden "
        "row of item codes: do not change or delete it."
    ),
    "2. 灰色斜体的示例行在导入时会被忽略，可以直接覆盖或删除。": (
        "2. The example row in grey italics is ignored on import; you can overwrite or delete it."
    ),
    "3. 列名带 * 的为必填项；「对象代码」在本企业前缀下唯一，已存在的对象代码将更新原标识，未变化的行不做修改。": (
        "3. Columns marked * are required. The “Object code” is unique under your enterprise prefix: an "
        "existing object code updates that identifier, and unchanged rows are left as they are."
    ),
    "4. 日期可写作 2024-03-01、2024/3/1 或 2024年3月1日；枚举项请从下拉列表选择。": (
        "4. Dates may be written as 2024-03-01, 2024/3/1 or 2024年3月1日. Choose list values from the "
        "drop-down list."
    ),
    "5. 列的顺序可以调整；不认识的列会被忽略并给出提示；缺少必填列的文件不会被导入。": (
        "5. Columns may be reordered. Unknown columns are ignored with a warning. Files missing a required "
        "column are not imported."
    ),
    "6. 上传后系统先校验全部数据并给出报告，确认后才会一次性写入；任何一行出错都不会写入任何数据。": (
        "6. After upload, all data is validated first and reported on; it is written in one go only after you "
        "confirm. If any row has an error, no data is written."
    ),
    "7. 支持 .xlsx 和 CSV（UTF-8 或 GBK 编码）；不支持 .xls，请另存为 .xlsx。": (
        "7. .xlsx and CSV (UTF-8 or GBK encoded) are supported. .xls is not: save the file as .xlsx."
    ),
    "列名": "Column",
    "数据项编码": "Item code",
    "必填": "Required",
    "数据分级": "Data grade",
    "说明与约束": "Notes and constraints",
    "字符串": "Text",
    "是": "Yes",
    "标识后缀，例如 ROAD-001；同一文件内不能重复": "The identifier suffix, e.g. ROAD-001; must be unique within the file",
    "否": "No",
    "错误报告": "Error report",
    "原行号": "Original row",
    # Registration rules in bulk (apps/identifiers/bulk.py)
    "对象代码「%(code)s」与第 %(first)s 行重复（大小写不同也视为重复）": (
        "The object code “%(code)s” duplicates row %(first)s (codes differing only in case count as duplicates)"
    ),
    "标识 %(h)s 已存在（大小写不同也视为重复）": (
        "The identifier %(h)s already exists (handles differing only in case count as duplicates)"
    ),
    "值「%(value)s」与第 %(first)s 行重复，要求唯一": "The value “%(value)s” duplicates row %(first)s; it must be unique",
    "值「%(value)s」已被标识 %(handle)s 使用，要求唯一": (
        "The value “%(value)s” is already used by the identifier %(handle)s; it must be unique"
    ),
    # Jobs that cannot be checked or applied
    "校验时发生意外错误，文件未导入。请重新上传；如果问题仍然存在，请联系管理员。": (
        "An unexpected error stopped the check; nothing was imported. Upload the file again; "
        "if the problem persists, contact the administrator."
    ),
    "无法读取 Excel 文件：文件已损坏。请用 Excel 打开后重新保存再上传。": (
        "The Excel file cannot be read: it is damaged. Open it in Excel, save it again and upload it again."
    ),
    "导入正在进行中，请等待它完成": "The import is running; please wait for it to finish",
    "上次导入没有完成（任务失败或中断），没有写入任何数据，可以重新导入。": (
        "The last import did not finish (the task failed or was interrupted); nothing was written. "
        "You can run the import again."
    ),
    "重新导入": "Import again",
    "语言": "Language",
    # Export of the identifier list
    "导出当前筛选结果": "Export the filtered list",
    "导出 Excel (.xlsx)": "Export Excel (.xlsx)",
    "导出 CSV": "Export CSV",
    "不支持的导出格式": "Unsupported export format",
    "没有符合筛选条件的标识，未导出文件": "No identifiers match the filters; nothing was exported",
    "%(code)s-标识导出.%(ext)s": "%(code)s-identifiers.%(ext)s",
    "标识导出.zip": "identifiers.zip",
    # Download names, joins
    "%(code)s-v%(n)s-导入模板.xlsx": "%(code)s-v%(n)s-import-template.xlsx",
    "%(name)s-错误报告.xlsx": "%(name)s-error-report.xlsx",
    "；": "; ",
    "、": ", ",
    "「%(name)s」": "“%(name)s”",
    "「%(column)s」%(message)s": "“%(column)s”: %(message)s",
    "%(problems)s。文件未导入，请对照模板修改表头后重新上传。": (
        "%(problems)s. The file was not imported: correct the header against the template and upload it again."
    ),
}
