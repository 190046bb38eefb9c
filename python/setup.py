"""pip install --no-build-isolation ./python   (offline, with Debian's setuptools + pybind11)

Builds linfa._linfa from src/*.cpp against the headers in ../include. Flags: -O3,
-fopenmp, and -march=native unless LINFA_NO_NATIVE=1 (set it to build a portable wheel)."""

import glob
import os
import sys

from pybind11.setup_helpers import Pybind11Extension
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.path.normpath(os.path.join(HERE, "..", "include"))
if not os.path.isfile(os.path.join(INCLUDE, "linfa", "linfa.hpp")):
    sys.exit(f"linfa headers not found in {INCLUDE}: build from a checkout of linfa-cpp")

compile_args = ["-O3", "-fopenmp"]
if os.environ.get("LINFA_NO_NATIVE", "0") in ("", "0"):
    compile_args.append("-march=native")

extension = Pybind11Extension(
    "linfa._linfa",
    sorted(os.path.relpath(path, HERE) for path in glob.glob(os.path.join(HERE, "src", "*.cpp"))),
    include_dirs=[INCLUDE, "/usr/include/eigen3"],
    cxx_std=20,
    extra_compile_args=compile_args,
    extra_link_args=["-fopenmp"],
)

setup(
    name="linfa",
    version="0.1.0",
    description="scikit-learn compatible KMeans and MiniBatchKMeans backed by the header-only C++20 linfa library",
    packages=["linfa"],
    package_dir={"linfa": os.path.relpath(os.path.join(HERE, "linfa"), HERE)},
    ext_modules=[extension],
    python_requires=">=3.9",
    install_requires=["numpy"],
    extras_require={"test": ["pytest", "scikit-learn", "pandas"]},
    zip_safe=False,
)
