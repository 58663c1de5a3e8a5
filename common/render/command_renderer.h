#pragma once

// CommandRenderer: a step's command (spec 2.3) prepared once and rendered per execution, for
// the loops that render many executions of one step (`start --dry-run`, the daemon's engine).
// render_command() is the one-shot form of the same thing.
//
// Construction does everything that does not depend on the values: it splits the command items
// into literal text and `{...}` placeholders (the reference's regex `{(.+?)}`, no newline
// inside; unknown keys stay as written), parses every parameter's pass-as templates
// (ParameterWords), and keeps the step's defaults. Rendering then writes straight into one
// string. Errors (an unknown template key, a spec that does not apply) are reported when
// rendering reaches them, with the same messages render_command() has always given, so a bad
// template on a parameter without a value is no error.
//
// A CommandRenderer copies what it needs: the Step may be destroyed after construction.
// EffectiveValues point into the given values and into the renderer's defaults, so they are
// valid while both are alive and the renderer is not moved. A const CommandRenderer may be used
// from any number of threads at once.
//
//   const CommandRenderer renderer(step);
//   EffectiveValues effective;
//   std::string command;
//   for (...) {
//     renderer.resolve(given, effective);
//     command.clear();
//     VHTASK_TRY(renderer.render_to(command, effective));
//   }

#include "common/render/parameter_words.h"
#include "common/result.h"
#include "common/valohai/config.h"
#include "common/valohai/parameter_values.h"
#include "common/value.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vhtask::common::render {

// The effective value of each distinct parameter name (a "slot"), in the step's definition
// order: the given value, else the default, else nullptr. With unique names (the loader
// guarantees them) slot i is parameter i.
using EffectiveValues = std::vector<const Value*>;

class CommandRenderer {
public:
  explicit CommandRenderer(const valohai::Step& step);

  // The whole command for `given` (defaults applied), exactly as render_command() renders it.
  Result<std::string> render(const valohai::ParameterValues& given) const;

  // Fills `effective` (resized to slot_count()) as effective_values() would: `given` values
  // by name, otherwise the step's defaults (a non-list default of a `multiple` parameter as a
  // list of one). Names in `given` that the step lacks are ignored.
  void resolve(const valohai::ParameterValues& given, EffectiveValues& effective) const;

  // The same from given values in slot order, nullptr for none.
  // REQUIRES: given.size() == slot_count().
  void resolve(std::span<const Value* const> given, EffectiveValues& effective) const;

  // Appends the command for `effective` to `out`. On error `out` holds part of a command.
  // REQUIRES: effective comes from resolve() on this renderer.
  Result<void> render_to(std::string& out, const EffectiveValues& effective) const;

  // Appends the effective values as one JSON object, {"name": value, ...}, byte for byte what
  // dump_json() of to_json() over effective_values() gives: keys in name order (that map's
  // order), one per slot with a value.
  void append_json_object(std::string& out, const EffectiveValues& effective) const;

  std::size_t slot_count() const { return m_slot_names.size(); }
  const std::string& slot_name(std::size_t slot) const { return m_slot_names[slot]; }

private:
  // A part of a command item: literal text, or a placeholder that needs the values.
  struct Segment {
    enum class Kind { literal, all_parameters, parameter, parameter_value };
    Kind kind = Kind::literal;
    std::string text;       // literal; parameter_value: the placeholder as written
    std::size_t index = 0;  // parameter: the parameter; parameter_value: the slot
  };
  using Item = std::vector<Segment>;

  Item parse_item(const std::string& item, const valohai::Step& step) const;
  Result<void> render_item(std::string& out, const Item& item,
                           const EffectiveValues& effective) const;
  Result<void> write_parameter(WordSink& sink, std::size_t parameter,
                               const EffectiveValues& effective) const;

  // Constant after construction.
  std::vector<std::string> m_slot_names;         // distinct parameter names, definition order
  std::vector<std::size_t> m_slots_by_name;      // slots sorted by name
  std::vector<std::optional<Value>> m_defaults;  // per slot
  std::vector<std::size_t> m_slot_of;            // per parameter
  std::vector<ParameterWords> m_words;           // per parameter
  std::vector<Item> m_items;                     // the command items
};

}  // namespace vhtask::common::render
