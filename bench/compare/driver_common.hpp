// What every C++ driver of bench/compare shares: arguments, the data files written once by
// compare.py, timing, memory (peak RSS of the process and, under LD_PRELOAD of the malloc
// probe, peak live heap bytes) and the one JSON line a driver prints.
//
// Protocol (the Python driver py_driver.py speaks the same one):
//   --data FILE --n N --d D --k K --dtype f64|f32
//   --mode fixed      --init FILE (k x d, same dtype) --iters N: exactly N Lloyd iterations from
//                     the given centroids, convergence disabled where the library allows it
//   --mode converged  --tol T --max-iter M --seed S: the library's own default initialisation
//                     (its cost included) until its own convergence test
//   --repeats R       timed fits (the median is reported by compare.py) ...
//   --max-seconds S   ... but no new fit once the next one would end past S seconds of timed
//                     fits (at least one fit always runs): how slow peers are capped
//   --warmup 0|1      one untimed fit first (fixed: 2 iterations on all the data; converged:
//                     max-iter 2 on the first min(n, 20000) rows, so a slow initialisation is
//                     not paid twice)
//   --algo NAME       the library's variant (linfa: lloyd, hamerly, auto)
//   --centroids-out F the final centroids of the last fit, k x d float64, for the common inertia
#pragma once

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmp {

class Args {
public:
    Args(int argc, char** argv) {
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + a);
            a = a.substr(2);
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                kv_[a.substr(0, eq)] = a.substr(eq + 1);
            } else if (i + 1 < argc) {
                kv_[a] = argv[++i];
            } else {
                throw std::runtime_error("--" + a + " needs a value");
            }
        }
    }
    bool has(const std::string& key) const { return kv_.count(key) != 0; }
    std::string str(const std::string& key, const std::string& fallback = "") const {
        auto it = kv_.find(key);
        if (it != kv_.end()) return it->second;
        if (fallback.empty()) throw std::runtime_error("missing --" + key);
        return fallback;
    }
    long integer(const std::string& key, long fallback = -1) const {
        auto it = kv_.find(key);
        if (it != kv_.end()) return std::stol(it->second);
        if (fallback < 0) throw std::runtime_error("missing --" + key);
        return fallback;
    }
    double real(const std::string& key, double fallback) const {
        auto it = kv_.find(key);
        return it == kv_.end() ? fallback : std::stod(it->second);
    }

private:
    std::map<std::string, std::string> kv_;
};

/// A raw little-endian row-major file of exactly `count` values of T.
template <class T>
std::vector<T> read_raw(const std::string& path, std::size_t count) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open " + path);
    const auto bytes = static_cast<std::size_t>(in.tellg());
    if (bytes != count * sizeof(T)) {
        throw std::runtime_error(path + ": " + std::to_string(bytes) + " bytes, expected " +
                                 std::to_string(count * sizeof(T)));
    }
    std::vector<T> out(count);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(bytes));
    return out;
}

template <class T>
void write_f64(const std::string& path, const T* values, std::size_t count) {
    std::vector<double> out(values, values + count);
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(count * sizeof(double)));
    if (!f) throw std::runtime_error("cannot write " + path);
}

inline double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// kB value of a /proc/self/status field (VmRSS, VmHWM), -1 when unreadable.
inline long status_kb(const char* field) {
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::size_t len = std::strlen(field);
    while (std::getline(f, line)) {
        if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':') {
            return std::stol(line.substr(len + 1));
        }
    }
    return -1;
}

/// Times one call and measures the memory it adds: the process' peak RSS (VmHWM, reset through
/// /proc/self/clear_refs) minus the RSS before, and the malloc probe's peak live heap bytes
/// when the probe is preloaded.
class Measure {
public:
    Measure() {
        reset_ = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "mprobe_reset"));
        peak_ = reinterpret_cast<long long (*)()>(dlsym(RTLD_DEFAULT, "mprobe_peak_extra"));
    }
    bool probe() const { return reset_ && peak_; }

    template <class Fn>
    double run(Fn&& fn) {
        { std::ofstream("/proc/self/clear_refs") << "5"; }  // VmHWM := VmRSS
        const long rss0 = status_kb("VmRSS");
        if (probe()) reset_();
        const double t0 = now_ms();
        fn();
        const double ms = now_ms() - t0;
        if (probe()) heap_extra.push_back(peak_());
        const long hwm = status_kb("VmHWM");
        rss_extra.push_back(rss0 >= 0 && hwm >= 0 ? (hwm - rss0) * 1024LL : -1);
        return ms;
    }

    std::vector<long long> rss_extra, heap_extra;  // bytes, one per measured call

private:
    void (*reset_)() = nullptr;
    long long (*peak_)() = nullptr;
};

/// One flat JSON object, printed as one line.
class Json {
public:
    Json& put(const std::string& key, const std::string& value) { return raw(key, quote(value)); }
    Json& put(const std::string& key, const char* value) { return raw(key, quote(value)); }
    Json& put(const std::string& key, double value) {
        std::ostringstream s;
        s.precision(17);
        s << value;
        return raw(key, s.str());
    }
    Json& put(const std::string& key, long long value) { return raw(key, std::to_string(value)); }
    Json& put(const std::string& key, long value) { return raw(key, std::to_string(value)); }
    Json& put(const std::string& key, int value) { return raw(key, std::to_string(value)); }
    Json& put(const std::string& key, unsigned long value) { return raw(key, std::to_string(value)); }
    template <class T>
    Json& put(const std::string& key, const std::vector<T>& values) {
        std::ostringstream s;
        s.precision(17);
        s << '[';
        for (std::size_t i = 0; i < values.size(); ++i) s << (i ? "," : "") << values[i];
        s << ']';
        return raw(key, s.str());
    }
    void print() const { std::printf("{%s}\n", body_.c_str()); std::fflush(stdout); }

private:
    static std::string quote(const std::string& v) {
        std::string out = "\"";
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            out += (c == '\n' ? ' ' : c);
        }
        return out + "\"";
    }
    Json& raw(const std::string& key, const std::string& value) {
        body_ += (body_.empty() ? "" : ",") + quote(key) + ":" + value;
        return *this;
    }
    std::string body_;
};

/// Whether another timed fit fits in the budget: always the first, then while the fits so far
/// plus one more like the last stay within `max_seconds`.
inline bool another_repeat(const std::vector<double>& times_ms, long repeats, double max_seconds) {
    if (times_ms.empty()) return repeats > 0;
    if (long(times_ms.size()) >= repeats) return false;
    double sum = 0;
    for (double t : times_ms) sum += t;
    return sum + times_ms.back() <= max_seconds * 1e3;
}

/// Rows used by the converged mode's warm-up fit.
inline long warmup_rows(long n) { return std::min<long>(n, 20000); }

/// The common part of every driver's output.
struct Run {
    std::string library, variant, dtype, mode;
    long n = 0, d = 0, k = 0;
    std::vector<double> times_ms;
    std::vector<long long> n_iter;
    Measure measure;

    Json json() const {
        Json j;
        j.put("library", library).put("variant", variant).put("dtype", dtype).put("mode", mode);
        j.put("n", n).put("d", d).put("k", k).put("times_ms", times_ms).put("n_iter", n_iter);
        j.put("rss_extra_bytes", measure.rss_extra);
        if (measure.probe()) j.put("heap_extra_bytes", measure.heap_extra);
        return j;
    }
};

/// Runs `main_body`, turning exceptions into one JSON error line and exit code 2.
template <class Body>
int guarded(const char* library, Body&& body) {
    try {
        body();
        return 0;
    } catch (const std::exception& e) {
        Json().put("library", library).put("error", e.what()).print();
        return 2;
    }
}

}  // namespace cmp
