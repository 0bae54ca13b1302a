// SPDX-License-Identifier: MIT
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

namespace cxr::test {

// tests/support/http_fixture_server.py serving `root` on 127.0.0.1 (a free
// port), for as long as this object lives. url("files/x") is its address.
class LocalHttpServer {
  public:
    explicit LocalHttpServer(const std::filesystem::path &root);
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer &) = delete;
    LocalHttpServer &operator=(const LocalHttpServer &) = delete;

    bool running() const { return m_port > 0; }
    std::string url(const std::string &path) const;
    void stop();

  private:
    pid_t m_pid = -1;
    int m_port = 0;
};

} // namespace cxr::test
