"""locust.user.inspectuser: Locust's task ratios of user classes as dicts (what --show-task-ratio prints;
cicada's own --show-task-ratio is printed by the C++ side from the loaded scenario)."""
import inspect
from json import dumps

from locust.user.task import TaskSet


def _calc_distribution(user_classes, num_users):
    """Users per class (by name) for num_users, as Locust spreads them: fixed counts first, by weight after."""
    fixed_count = sum(u.fixed_count for u in user_classes if u.fixed_count)
    total_weight = sum(u.weight for u in user_classes if not u.fixed_count)
    num_users = num_users or (total_weight if not fixed_count else 1)
    weighted_count = max(num_users - fixed_count, 0)
    return {u.__name__: round(u.fixed_count if u.fixed_count else u.weight / total_weight * weighted_count)
            for u in user_classes}


def _get_task_ratio(tasks, total, parent_ratio):
    parent_ratio = parent_ratio if total else 1.0
    counts = {}
    for t in tasks:
        counts[t] = counts.get(t, 0) + 1
    result = {}
    for t, count in counts.items():
        ratio = count * parent_ratio / len(tasks)
        entry = {"ratio": ratio}
        if inspect.isclass(t) and issubclass(t, TaskSet):
            entry["tasks"] = _get_task_ratio(t.tasks, total, ratio)
        result[t.__name__] = entry
    return result


def get_ratio(user_classes, user_spawned, total):
    user_count = sum(user_spawned.values()) or 1
    return {u.__name__: {"ratio": user_spawned.get(u.__name__, 0) / user_count,
                         "tasks": _get_task_ratio(u.tasks, total, user_spawned.get(u.__name__, 0) / user_count)}
            for u in user_classes}


def _print_task_ratio(ratios, level=0):
    for name, entry in ratios.items():
        padding = 2 * " " * level
        print(" %-10s %-50s" % (padding + "%-6.1f" % (entry.get("ratio", 1) * 100), padding + name))
        if "tasks" in entry:
            _print_task_ratio(entry["tasks"], level + 1)


def print_task_ratio(user_classes, num_users, total):
    _print_task_ratio(get_ratio(user_classes, _calc_distribution(user_classes, num_users), total))


def print_task_ratio_json(user_classes, num_users):
    spawned = _calc_distribution(user_classes, num_users)
    print(dumps({"per_class": get_ratio(user_classes, spawned, False),
                 "total": get_ratio(user_classes, spawned, True)}, indent=4))
