// SPDX-License-Identifier: MIT
#include "e2e/cli_runner.h"

#include <array>
#include <cstdio>

#include <sys/wait.h>

#include "support/test_support.h"

namespace cxr::test {
namespace {

std::string quote(const std::string &arg) {
    std::string q = "'";
    for (char c : arg)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

} // namespace

CliResult runCli(const std::vector<std::string> &args) {
    TempDir scratch;
    std::string command = quote(CXR_CLI_PATH);
    for (const auto &arg : args)
        command += " " + quote(arg);
    command += " 2>" + quote((scratch / "stderr").string());
    CliResult result;
    FILE *pipe = popen(command.c_str(), "r");
    if (!pipe)
        return result;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = readFile(scratch / "stderr");
    return result;
}

} // namespace cxr::test
