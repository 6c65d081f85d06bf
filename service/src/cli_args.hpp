// A small, strict argument parser for the subcommands: unknown options are errors.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace aras::service {

// Bad command-line usage; run_cli prints it with the usage line and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Args {
public:
    // `value_options` take a value ("--data DIR" or "--data=DIR"); `flags` take none.
    // An option may repeat; values() returns all of them in order.
    Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_options,
         const std::vector<std::string>& flags = {});

    const std::vector<std::string>& positional() const { return positional_; }
    std::optional<std::string> value(const std::string& option) const;
    std::string value_or(const std::string& option, const std::string& fallback) const;
    std::vector<std::string> values(const std::string& option) const;
    bool flag(const std::string& name) const;
    // Parses a number, throwing UsageError naming the option when it is not one.
    double number_or(const std::string& option, double fallback) const;
    long integer_or(const std::string& option, long fallback) const;
    // The positional argument at `index`, or a UsageError saying `what` is missing.
    const std::string& require_positional(std::size_t index, const std::string& what) const;

private:
    std::vector<std::string> positional_;
    std::multimap<std::string, std::string> values_;
    std::vector<std::string> flags_;
};

}  // namespace aras::service
