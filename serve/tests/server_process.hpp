// Runs linfa-serve as a child process for a test: on 127.0.0.1 with --port 0, reads the
// "listening on HOST:PORT" line to learn the port, and always stops it (SIGTERM, then
// SIGKILL if it hangs) when the object goes away.
#pragma once

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
    int exit_code_ = unknown;
};

}  // namespace serve_test
