// A plain main() for the fuzz targets: runs LLVMFuzzerTestOneInput over every file named on
// the command line or held in a directory named there (the seed corpus and the regression
// inputs), so the targets' checks run as ordinary ctests in any build, gcc included, without
// libFuzzer. Exits non-zero if an argument cannot be read; a finding aborts like under
// libFuzzer. Prints one line per argument.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return false;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "  %s (%zu bytes)\n", file.c_str(), bytes.size());  // names the input that aborts
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg = argv[i];
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg)) {
                if (entry.is_regular_file()) files.push_back(entry.path());
            }
            std::sort(files.begin(), files.end());
        } else {
            files.push_back(arg);
        }
        std::size_t replayed = 0;
        for (const auto& file : files) replayed += replay(file) ? 1 : 0;
        ok = ok && replayed == files.size();
        std::printf("%s: %zu inputs replayed\n", argv[i], replayed);
    }
    return ok ? 0 : 1;
}
