// Reloads a model repository in the background: every `poll` (0: never on its own) and at
// once when asked (SIGHUP). Loading runs on this thread, so calls never wait for it; the
// repository swaps the result in when it is ready.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "repository.hpp"

namespace linfa::serve {

class Reloader {
public:
    Reloader(Repository& repository, std::chrono::seconds poll) : repository_(repository), poll_(poll), thread_([this] { loop(); }) {}
    ~Reloader() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    Reloader(const Reloader&) = delete;
    Reloader& operator=(const Reloader&) = delete;

    /// Asks for a reload now; requests made while one runs are folded into one more.
    void request() {
        {
            std::lock_guard lock(mutex_);
            requested_ = true;
        }
        wake_.notify_one();
    }

private:
    void loop() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            auto ready = [this] { return stopping_ || requested_; };
            if (poll_.count() > 0) wake_.wait_for(lock, poll_, ready);
            else wake_.wait(lock, ready);
            if (stopping_) break;
            requested_ = false;
            lock.unlock();
            repository_.reload();
            lock.lock();
        }
    }

    Repository& repository_;
    const std::chrono::seconds poll_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    std::thread thread_;  // last: it starts once the members it uses exist
};

}  // namespace linfa::serve
