"""Install the book faces the tool uses by default into fonts/ (run by `make`).

- Persian: Vazirmatn 33.0.3 (SIL OFL 1.1), from the npm registry with `npm pack`
  (no Python package ships a Persian face); the tarball's SHA-256 is pinned.
- Latin: Source Serif Pro comes from PyPI (`font-source-serif-pro`, in
  requirements.txt) and is found in site-packages at run time.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "vazirmatn@33.0.3"
TARBALL_SHA256 = "9506e9e6a27e62b353c04a136c27de0cc3aa9e434658b45a6363f7c98c357090"
MEMBERS = {
    "package/misc/Non-Latin/fonts/ttf/Vazirmatn-NL-Regular.ttf": "Vazirmatn-NL-Regular.ttf",
    "package/misc/Non-Latin/fonts/ttf/Vazirmatn-NL-Bold.ttf": "Vazirmatn-NL-Bold.ttf",
    "package/OFL.txt": "OFL.txt",
    "package/AUTHORS.txt": "AUTHORS.txt",
}
TARGET = Path(__file__).resolve().parent.parent / "fonts" / "vazirmatn"


def main() -> int:
    if all((TARGET / name).is_file() for name in MEMBERS.values()):
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print("error: npm is needed once to fetch the Vazirmatn font (apt-get install npm)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(work).glob("vazirmatn-*.tgz"))
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != TARBALL_SHA256:
            print(f"error: {tarball.name} has SHA-256 {digest}, expected {TARBALL_SHA256}", file=sys.stderr)
            return 1
        TARGET.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for member, name in MEMBERS.items():
                data = archive.extractfile(member).read()
                (TARGET / name).write_bytes(data)
    print(f"installed Vazirmatn into {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
