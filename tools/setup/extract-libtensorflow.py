"""Extract libtensorflow (C API) from a TensorFlow CPU wheel into the layout
that @tensorflow/tfjs-node's binding.gyp expects:

    OUT/include/<headers reachable from the C and eager C API>
    OUT/lib/libtensorflow_cc.so.2, libtensorflow_framework.so.2 (+ links)

Only the headers that the C API transitively includes are taken (about 1 MB
instead of the wheel's 268 MB of headers). Usage:
    python3 extract-libtensorflow.py WHEEL OUT
OUT must not exist; the caller renames it into place (atomic install).
"""
import os
import re
import shutil
import sys
import zipfile

ROOTS = [
    "tensorflow/c/c_api.h",
    "tensorflow/c/eager/c_api.h",
    "tensorflow/c/tf_datatype.h",
    "tensorflow/c/tf_status.h",
    "tensorflow/c/tf_tensor.h",
    "tensorflow/core/platform/ctstring_internal.h",
]
LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
INCLUDE_PREFIX = "tensorflow/include/"
QUOTED_INCLUDE = re.compile(rb'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(wheel: str, out: str) -> None:
    if os.path.exists(out):
        sys.exit(f"extract-libtensorflow: {out} already exists; remove it first")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        missing = [lib for lib in LIBS if "tensorflow/" + lib not in names]
        if missing:
            sys.exit(f"extract-libtensorflow: {wheel} has no {', '.join(missing)}; "
                     "is it a tensorflow-cpu wheel for Linux x86-64?")
        headers = {}
        queue = list(ROOTS)
        while queue:
            rel = queue.pop()
            if rel in headers:
                continue
            member = INCLUDE_PREFIX + rel
            if member not in names:
                # System or third-party headers that the C API guards out or
                # that the compiler provides; the build reports real misses.
                headers[rel] = None
                continue
            data = z.read(member)
            headers[rel] = data
            queue.extend(m.decode() for m in QUOTED_INCLUDE.findall(data))
        taken = 0
        for rel, data in headers.items():
            if data is None:
                continue
            dst = os.path.join(out, "include", rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as f:
                f.write(data)
            taken += 1
        lib_dir = os.path.join(out, "lib")
        os.makedirs(lib_dir, exist_ok=True)
        for lib in LIBS:
            with z.open("tensorflow/" + lib) as src, open(os.path.join(lib_dir, lib), "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    # binding.gyp links -ltensorflow -ltensorflow_framework; the linker then
    # records each library's soname (libtensorflow_cc.so.2, ...so.2).
    os.symlink("libtensorflow_cc.so.2", os.path.join(lib_dir, "libtensorflow.so"))
    os.symlink("libtensorflow_framework.so.2", os.path.join(lib_dir, "libtensorflow_framework.so"))
    print(f"extracted {taken} headers and {len(LIBS)} libraries")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 extract-libtensorflow.py WHEEL OUT")
    main(sys.argv[1], sys.argv[2])
