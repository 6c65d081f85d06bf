// Runs a shell command for a test and captures what it printed on stdout and its exit status.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace aras::test {

struct CommandResult {
    int status = -1;  // the exit code; -1 when the command could not run or was killed
    std::string out;  // stdout (add " 2>&1" to the command for stderr too)
};

inline CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace aras::test
