#pragma once

// The checks the reference (valohai-yaml) makes on what vhtask reads but does not run:
// `- endpoint:` and `- deployment:` items, and a step's `resources`. Only the reference's own
// verdicts are repeated (schema errors, its lint warnings), so that `vhtask lint` agrees with
// it (spec 1). Used by config_loader.cpp and step_loader.cpp. Pure; thread-safe.

#include "common/yaml/yaml_reader.h"

namespace vhtask::common::valohai {

// An endpoint: its schema (name `^[a-z][a-z0-9-]+$`, `image`, one of `server-command` or
// `wsgi`, a port in 1025..65535, known fields only).
void check_endpoint(yaml::YamlReader& reader, const yaml::YamlNode& node);

// A deployment: a mapping with a `name`; the reference warns when `defaults.target` is unset.
void check_deployment(yaml::YamlReader& reader, const yaml::YamlNode& node);

// `resources`: `cpu` and `memory` with numeric `min`/`max`, `devices` of counts >= 1 (and, for
// endpoints, `ephemeral-storage` like memory). `field` is the `resources:` entry.
void check_resources(yaml::YamlReader& reader, const yaml::Field& field, bool endpoint);

}  // namespace vhtask::common::valohai
