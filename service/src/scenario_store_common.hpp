// Rules every scenario store shares: id syntax, document shape, id generation, timestamps.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace aras::service::scenario_detail {

bool valid_id(const std::string& id);
// The id to use: `id` when valid (else InvalidScenario), a fresh random one when absent.
std::string checked_id(const std::optional<std::string>& id);
void check_document(const nlohmann::json& document);
std::string random_id();
std::string now_iso8601();

}  // namespace aras::service::scenario_detail
