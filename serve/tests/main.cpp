// The server tests' main: doctest's, with SIGPIPE ignored first, so that a test whose client
// writes to a connection the server has closed (plaintext to a TLS port, a refused handshake)
// fails that check instead of killing the test process and orphaning its linfa-serve.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    return doctest::Context(argc, argv).run();
}
