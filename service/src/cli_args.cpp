#include "cli_args.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace aras::service {

namespace {
bool is_in(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

Args::Args(const std::vector<std::string>& argv, const std::vector<std::string>& value_options,
           const std::vector<std::string>& flags) {
    bool only_positional = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        // "-" alone is a positional (stdin); a negative number is a positional too.
        const bool looks_like_option = a.size() > 1 && a[0] == '-' && !(std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.');
        if (only_positional || !looks_like_option) {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            only_positional = true;
            continue;
        }
        std::string name = a;
        std::optional<std::string> inline_value;
        if (auto eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        if (is_in(flags, name)) {
            if (inline_value) throw UsageError("option " + name + " takes no value");
            flags_.push_back(name);
        } else if (is_in(value_options, name)) {
            if (inline_value) {
                values_.emplace(name, *inline_value);
            } else {
                if (i + 1 >= argv.size()) throw UsageError("option " + name + " needs a value");
                values_.emplace(name, argv[++i]);
            }
        } else {
            throw UsageError("unknown option " + name);
        }
    }
}

std::optional<std::string> Args::value(const std::string& option) const {
    auto range = values_.equal_range(option);
    if (range.first == range.second) return std::nullopt;
    return std::prev(range.second)->second;  // the last one wins
}

std::string Args::value_or(const std::string& option, const std::string& fallback) const {
    return value(option).value_or(fallback);
}

std::vector<std::string> Args::values(const std::string& option) const {
    std::vector<std::string> out;
    auto range = values_.equal_range(option);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

bool Args::flag(const std::string& name) const { return is_in(flags_, name); }

double Args::number_or(const std::string& option, double fallback) const {
    auto v = value(option);
    if (!v) return fallback;
    double d = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
    if (ec != std::errc() || ptr != v->data() + v->size() || !std::isfinite(d))
        throw UsageError("option " + option + " expects a number, got '" + *v + "'");
    return d;
}

long Args::integer_or(const std::string& option, long fallback) const {
    auto v = value(option);
    if (!v) return fallback;
    long n = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || ptr != v->data() + v->size())
        throw UsageError("option " + option + " expects a whole number, got '" + *v + "'");
    return n;
}

const std::string& Args::require_positional(std::size_t index, const std::string& what) const {
    if (index >= positional_.size()) throw UsageError("missing " + what);
    return positional_[index];
}

}  // namespace aras::service
