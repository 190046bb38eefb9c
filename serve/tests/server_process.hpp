// Runs linfa-serve as a child process for a test: on 127.0.0.1 with --port 0, reads the
// "listening on HOST:PORT" line to learn the port (and "http listening on" for --http-port),
// and always stops it (SIGTERM, then SIGKILL if it hangs) when the object goes away.
#pragma once

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace serve_test {

class ServerProcess {
public:
    /// Starts `exe args... --host 127.0.0.1 --port 0`; throws if it exits before listening.
    ServerProcess(const std::string& exe, std::vector<std::string> args) {
        args.insert(args.begin(), exe);
        for (const char* extra : {"--host", "127.0.0.1", "--port", "0"}) args.emplace_back(extra);
        std::vector<char*> argv;  // built before fork: the child may only make async-signal-safe calls
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            execv(exe.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        stdout_ = fdopen(out[0], "r");
        char line[256];
        while (std::fgets(line, sizeof line, stdout_)) {
            const std::string text(line);
            const auto colon = text.rfind(':');
            if (text.rfind("http listening on ", 0) == 0 && colon != std::string::npos) {  // --http-port, printed first
                http_port_ = std::stoi(text.substr(colon + 1));
                continue;
            }
            if (text.rfind("listening on ", 0) == 0 && colon != std::string::npos) {
                port_ = std::stoi(text.substr(colon + 1));
                return;
            }
        }
        exit_code_ = wait_for_exit(std::chrono::seconds(5));
        std::fclose(stdout_);  // the destructor does not run when the constructor throws
        throw std::runtime_error("linfa-serve exited with code " + std::to_string(exit_code_) + " before listening");
    }

    ~ServerProcess() {
        if (pid_ > 0 && exit_code_ == unknown) stop();
        if (stdout_) std::fclose(stdout_);
    }

    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    int port() const { return port_; }
    /// The REST/metrics port (--http-port), 0 when the server has none.
    int http_port() const { return http_port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const { return pid_; }

    /// Sends SIGTERM and returns the exit code (-signal if killed), SIGKILL after `grace`.
    int stop(std::chrono::seconds grace = std::chrono::seconds(15)) {
        if (exit_code_ != unknown) return exit_code_;
        kill(pid_, SIGTERM);
        exit_code_ = wait_for_exit(grace);
        return exit_code_;
    }

private:
    static constexpr int unknown = -1000;

    int wait_for_exit(std::chrono::seconds grace) {
        const auto until = std::chrono::steady_clock::now() + grace;
        int status = 0;
        while (waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > until) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
                return -SIGKILL;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }

    pid_t pid_ = -1;
    FILE* stdout_ = nullptr;
    int port_ = 0;
    int http_port_ = 0;
    int exit_code_ = unknown;
};

/// What a server that must not start did: its exit code and what it wrote on stderr.
struct Refusal {
    int exit_code = 0;
    std::string stderr_text;
};

/// Runs `exe args... --host 127.0.0.1 --port 0` to its end (SIGKILL after `timeout`, with
/// exit code -9) and returns its exit code and stderr; for servers expected to refuse to start.
inline Refusal run_to_exit(const std::string& exe, std::vector<std::string> args, const std::string& stderr_path,
                           std::chrono::seconds timeout = std::chrono::seconds(20)) {
    args.insert(args.begin(), exe);
    for (const char* extra : {"--host", "127.0.0.1", "--port", "0"}) args.emplace_back(extra);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const char* err_path = stderr_path.c_str();
    const pid_t pid = fork();
    if (pid == 0) {  // only async-signal-safe calls from here to exec
        const int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err >= 0) dup2(err, STDERR_FILENO);
        const int out = open("/dev/null", O_WRONLY);
        if (out >= 0) dup2(out, STDOUT_FILENO);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    const auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    Refusal result;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {  // it started serving: stop it
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    std::ostringstream text;
    text << std::ifstream(stderr_path).rdbuf();
    result.stderr_text = text.str();
    return result;
}

}  // namespace serve_test
