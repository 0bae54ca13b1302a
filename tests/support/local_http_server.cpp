// SPDX-License-Identifier: MIT
#include "support/local_http_server.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <sys/wait.h>
#include <unistd.h>

namespace cxr::test {

LocalHttpServer::LocalHttpServer(const std::filesystem::path &root) {
    int out[2];
    if (pipe(out) != 0)
        return;
    m_pid = fork();
    if (m_pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execl("/usr/bin/python3",
              "python3",
              CXR_HTTP_FIXTURE_SCRIPT,
              root.c_str(),
              static_cast<char *>(nullptr));
        _exit(127);
    }
    close(out[1]);
    // The server's first line is its port.
    std::FILE *stream = fdopen(out[0], "r");
    char line[32] = "";
    if (stream && std::fgets(line, sizeof line, stream))
        m_port = std::atoi(line);
    if (stream)
        std::fclose(stream);
}

LocalHttpServer::~LocalHttpServer() { stop(); }

void LocalHttpServer::stop() {
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
}

std::string LocalHttpServer::url(const std::string &path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/" + path;
}

} // namespace cxr::test
