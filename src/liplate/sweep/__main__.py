"""``python -m liplate.sweep --serve``: the case child loop; ``python -m liplate.sweep FILE ...``: ``liplate sweep``."""
import sys

from .engine import serve

if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        sys.exit(serve())
    from ..cli import main as cli_main
    sys.exit(cli_main(["sweep", *sys.argv[1:]]))
