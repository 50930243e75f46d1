// SPDX-License-Identifier: Apache-2.0
#include "results/schedule_store.h"

#include "core/json_fields.h"

#include <algorithm>
#include <cctype>

namespace kopt {
namespace {

constexpr const char* kColumns =
    "SELECT id, origin, source_candidate_id, created_at, schedule_json FROM schedules ";

Schedule ReadSchedule(const Statement& st, const std::string& path) {
  std::string where = path + ": schedules row " + std::to_string(st.Int(0));
  Schedule s = ScheduleFromJson(ParseJsonText(st.Text(4), where), where);
  s.id = st.Int(0);
  s.origin = st.Text(1);
  s.source_candidate_id = st.OptInt(2);
  s.created_at = st.Text(3);
  return s;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Matches(const Schedule& s, const ScheduleFilter& f) {
  bool hash_prefix = f.task.size() >= 6 && s.task.content_hash.starts_with(f.task);
  return (f.task.empty() || s.task.name == f.task || hash_prefix) &&
         (f.op_class.empty() || s.task.op_class == f.op_class) &&
         (f.gpu.empty() || Lower(s.gpu).find(Lower(f.gpu)) != std::string::npos) &&
         (f.arch.empty() || s.arch == f.arch);
}

}  // namespace

SavedSchedule SaveSchedule(Store& store, const Schedule& schedule,
                           std::optional<std::int64_t> task_id) {
  std::string fingerprint = ScheduleFingerprint(schedule);
  nlohmann::json record = ToJson(schedule);
  for (const char* key : {"id", "origin", "source_candidate_id", "created_at"}) record.erase(key);
  return store.WithDatabase([&](Database& db) {
    Transaction tx(db);
    {
      Query find = db.Prepare("SELECT id FROM schedules WHERE fingerprint = ?");
      find->BindAll(fingerprint);
      if (find->Step()) return SavedSchedule{find->Int(0), false};
    }
    Query add = db.Prepare(
        "INSERT INTO schedules (fingerprint, task_id, task_name, task_hash, op_class, device, "
        "arch, steps, speedup, origin, source_candidate_id, schedule_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    add->BindAll(fingerprint, task_id, schedule.task.name, schedule.task.content_hash,
                 schedule.task.op_class, schedule.gpu, schedule.arch,
                 static_cast<std::int64_t>(schedule.steps.size()), schedule.speedup,
                 schedule.origin, schedule.source_candidate_id, record.dump())
        .Run();
    std::int64_t id = db.LastInsertId();
    tx.Commit();
    return SavedSchedule{id, true};
  });
}

std::optional<Schedule> GetSchedule(Store& store, std::int64_t schedule_id) {
  return store.WithDatabase([&](Database& db) -> std::optional<Schedule> {
    Query q = db.Prepare(std::string(kColumns) + "WHERE id = ?");
    q->BindAll(schedule_id);
    if (!q->Step()) return std::nullopt;
    return ReadSchedule(*q, db.path());
  });
}

std::vector<Schedule> ListSchedules(Store& store, const ScheduleFilter& filter) {
  return store.WithDatabase([&](Database& db) {
    // A winner's schedule changes as more is measured around it (a sibling tried later adds
    // negative evidence) and each version is its own row, which a run that replayed it may
    // name; the newest version per winner and GPU is the current one.
    Query q = db.Prepare(
        std::string(kColumns) +
        "WHERE origin = 'imported' OR source_candidate_id IS NULL OR id = (SELECT max(n.id) "
        "FROM schedules n "
        "WHERE n.source_candidate_id = schedules.source_candidate_id "
        "AND n.device = schedules.device) ORDER BY id");
    std::vector<Schedule> out;
    while (q->Step()) {
      Schedule s = ReadSchedule(*q, db.path());
      if (Matches(s, filter)) out.push_back(std::move(s));
    }
    return out;
  });
}

void RecordRunSchedules(Store& store, std::int64_t run_id,
                        const std::map<std::string, std::vector<std::int64_t>>& chosen) {
  store.WithDatabase([&](Database& db) {
    Transaction tx(db);
    for (const auto& [task_hash, ids] : chosen) {
      for (std::size_t rank = 0; rank < ids.size(); ++rank) {
        Query q = db.Prepare(
            "INSERT INTO run_schedules (run_id, task_hash, rank, schedule_id) VALUES (?, ?, ?, ?)");
        q->BindAll(run_id, task_hash, static_cast<std::int64_t>(rank), ids[rank]).Run();
      }
    }
    tx.Commit();
    return 0;
  });
}

std::map<std::string, std::vector<std::int64_t>> RunSchedules(Store& store, std::int64_t run_id) {
  return store.WithDatabase([&](Database& db) {
    Query q = db.Prepare(
        "SELECT task_hash, schedule_id FROM run_schedules WHERE run_id = ? ORDER BY task_hash, "
        "rank");
    q->BindAll(run_id);
    std::map<std::string, std::vector<std::int64_t>> out;
    while (q->Step()) out[q->Text(0)].push_back(q->Int(1));
    return out;
  });
}

}  // namespace kopt
