// Default sanitizer options of the fuzz executables, so that running one by hand behaves like
// scripts/fuzz.sh: any UBSan report stops the run (halt_on_error) with a stack trace, except
// the third-party ones listed in ubsan.supp. LINFA_FUZZ_UBSAN_SUPPRESSIONS is set by CMake.
extern "C" const char* __ubsan_default_options() {
    return "halt_on_error=1:print_stacktrace=1:suppressions=" LINFA_FUZZ_UBSAN_SUPPRESSIONS;
}
