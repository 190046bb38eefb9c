# Sourced by the build scripts. ccache settings under which a fresh clone in another folder
# hits the cache an earlier checkout filled (paths relative to the checkout, the build folder
# not hashed); CMake puts ccache in front of the compiler when it is installed (LINFA_CCACHE).
# New build folders use Ninja, which may compile a target's sources while the libraries it
# links are still being built (CMake's Makefiles start a target only after them); a folder
# configured before keeps its generator.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-20G}"
export CMAKE_GENERATOR="${CMAKE_GENERATOR:-Ninja}"
