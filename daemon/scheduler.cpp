#include "daemon/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vhtask::daemon {

Scheduler::Scheduler(std::size_t global_limit) : m_global_limit(global_limit) {}

const Scheduler::TaskQueue* Scheduler::find(TaskId task) const {
  auto found = std::find_if(m_tasks.begin(), m_tasks.end(),
                            [task](const TaskQueue& queue) { return queue.id == task; });
  return found == m_tasks.end() ? nullptr : &*found;
}

Scheduler::TaskQueue* Scheduler::find(TaskId task) {
  // The object is not const here, so casting the const lookup's result back is safe.
  return const_cast<TaskQueue*>(std::as_const(*this).find(task));
}

Result<void> Scheduler::add_task(TaskId task, std::int64_t count, std::optional<std::size_t> limit,
                                 ExecutionIndex first_index, bool external) {
  if (find(task) != nullptr) {
    return Error::invalid_argument(fmt::format("task {} is already scheduled", task));
  }
  if (count < 0 || first_index < 0 || first_index > count) {
    return Error::invalid_argument(
        fmt::format("task {}: invalid index range [{}, {})", task, first_index, count));
  }
  m_tasks.push_back(TaskQueue{task, limit, first_index, count, {}, 0, external});
  return {};
}

Result<void> Scheduler::add_rerun(TaskId task, ExecutionIndex idx, Attempt attempt) {
  auto* queue = find(task);
  if (queue == nullptr) {
    return Error::invalid_argument(fmt::format("task {} is not scheduled", task));
  }
  queue->reruns.push_back({idx, attempt});
  return {};
}

std::optional<Scheduler::Start> Scheduler::next() {
  for (auto& queue : m_tasks) {
    if (queue.at_limit() || !queue.has_queued() ||
        (!queue.external && m_running >= m_global_limit)) {
      continue;
    }
    Start start{queue.id, 0, 1, 0};
    if (!queue.reruns.empty()) {
      start.idx = queue.reruns.front().idx;
      start.attempt = queue.reruns.front().attempt;
      queue.reruns.pop_front();
    } else {
      start.idx = queue.next_index++;
    }
    ++queue.running;
    if (!queue.external) {
      start.slot = take_slot(queue.id);
      ++m_running;
    }
    return start;
  }
  return std::nullopt;
}

Result<void> Scheduler::adopt(TaskId task, Slot slot) {
  auto* queue = find(task);
  const auto index = static_cast<std::size_t>(slot);
  if (queue == nullptr || slot < 0) {
    return Error::invalid_argument(fmt::format("task {} is not scheduled", task));
  }
  if (queue->external) {
    ++queue->running;
    return {};
  }
  if (index < m_slot_owner.size() && m_slot_owner[index]) {
    return Error::invalid_argument(fmt::format("slot {} is already held", slot));
  }
  while (m_slot_owner.size() <= index) {
    m_free_slots.insert(static_cast<Slot>(m_slot_owner.size()));
    m_slot_owner.emplace_back();
  }
  m_free_slots.erase(slot);
  m_slot_owner[index] = task;
  ++queue->running;
  ++m_running;
  return {};
}

Slot Scheduler::take_slot(TaskId task) {
  if (!m_free_slots.empty()) {
    const Slot slot = *m_free_slots.begin();
    m_free_slots.erase(m_free_slots.begin());
    m_slot_owner[static_cast<std::size_t>(slot)] = task;
    return slot;
  }
  m_slot_owner.emplace_back(task);
  return static_cast<Slot>(m_slot_owner.size() - 1);
}

Result<void> Scheduler::give_back(const Start& start, bool fresh) {
  auto* queue = find(start.task_id);
  if (queue == nullptr) {
    return Error::invalid_argument(fmt::format("task {} is not scheduled", start.task_id));
  }
  if (fresh && start.idx != queue->next_index - 1) {
    return Error::invalid_argument(
        fmt::format("task {}: index {} is not the last one handed out", start.task_id, start.idx));
  }
  // Queued again first, so freeing the slot cannot drain the task.
  if (fresh) {
    --queue->next_index;
  } else {
    queue->reruns.push_front({start.idx, start.attempt});
  }
  if (auto freed = finished(start.task_id, start.slot); !freed) {
    if (fresh) {
      ++queue->next_index;
    } else {
      queue->reruns.pop_front();
    }
    return freed.error();
  }
  return {};
}

Result<Scheduler::TaskProgress> Scheduler::finished(TaskId task, Slot slot) {
  auto* queue = find(task);
  const auto index = static_cast<std::size_t>(slot);
  if (queue != nullptr && queue->external && queue->running > 0) {
    --queue->running;
    return drain_if_idle(task);
  }
  if (queue == nullptr || slot < 0 || index >= m_slot_owner.size() || m_slot_owner[index] != task) {
    return Error::invalid_argument(
        fmt::format("task {} has no execution running in slot {}", task, slot));
  }
  m_slot_owner[index].reset();
  m_free_slots.insert(slot);
  // Keep the owner table as short as the highest held slot, so it stays O(running).
  while (!m_slot_owner.empty() && !m_slot_owner.back()) {
    m_free_slots.erase(static_cast<Slot>(m_slot_owner.size() - 1));
    m_slot_owner.pop_back();
  }
  --queue->running;
  --m_running;
  return drain_if_idle(task);
}

Result<Scheduler::TaskProgress> Scheduler::stop_task(TaskId task) {
  auto* queue = find(task);
  if (queue == nullptr) {
    return Error::invalid_argument(fmt::format("task {} is not scheduled", task));
  }
  queue->reruns.clear();
  queue->next_index = queue->count;
  return drain_if_idle(task);
}

Scheduler::TaskProgress Scheduler::drain_if_idle(TaskId task) {
  auto* queue = find(task);
  if (queue->running > 0 || queue->has_queued()) {
    return TaskProgress::active;
  }
  m_tasks.erase(m_tasks.begin() + (queue - m_tasks.data()));
  return TaskProgress::drained;
}

void Scheduler::set_global_limit(std::size_t limit) {
  m_global_limit = limit;
}

Result<void> Scheduler::set_task_limit(TaskId task, std::optional<std::size_t> limit) {
  auto* queue = find(task);
  if (queue == nullptr) {
    return Error::invalid_argument(fmt::format("task {} is not scheduled", task));
  }
  queue->limit = limit;
  return {};
}

std::size_t Scheduler::capacity() const {
  return m_running >= m_global_limit ? 0 : m_global_limit - m_running;
}

std::int64_t Scheduler::queued_count(TaskId task) const {
  const auto* queue = find(task);
  if (queue == nullptr) {
    return 0;
  }
  return static_cast<std::int64_t>(queue->reruns.size()) + (queue->count - queue->next_index);
}

std::size_t Scheduler::running_count(TaskId task) const {
  const auto* queue = find(task);
  return queue == nullptr ? 0 : queue->running;
}

bool Scheduler::has_task(TaskId task) const {
  return find(task) != nullptr;
}

}  // namespace vhtask::daemon
