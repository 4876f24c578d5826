"""``manage.py bid_address --public-key KEY [--ac CODE]``: the BID of a public key, as the 星火
SDKs print it, so an operator can check a key against a BID from the shell."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.bid import codec, documents
from apps.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Print the BID of a public key (BIF encoded hex, PEM, or raw hex; SM2 or Ed25519)."

    def add_arguments(self, parser):
        parser.add_argument("--public-key", required=True, help="b07a66…/b06566…, PEM, or raw hex")
        parser.add_argument(
            "--ac", default=None, help="AC code of the sub-chain (default: BID_AC_CODE; '' for main chain)"
        )
        parser.add_argument("--verbose-key", action="store_true", help="also print the key type and BIF key")

    def handle(self, *args, **options):
        try:
            key = codec.parse_public_key(options["public_key"])
            ac = documents.ac_code() if options["ac"] is None else codec.validate_ac_code(options["ac"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(key.bid(ac))
        if options["verbose_key"]:
            self.stdout.write(_("密钥类型：%(type)s") % {"type": key.document_type})
            self.stdout.write(_("BIF 编码公钥：%(key)s") % {"key": key.encoded})
