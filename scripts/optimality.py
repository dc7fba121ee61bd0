#!/usr/bin/env python3
"""Optimality of Suanli's batch optimiser against an exact MIP solved with HiGHS.

For each size and seed the script
  1. generates an instance: resources of several providers, chips and sites (western ones
     cheaper and greener) with partly used capacity, and waiting tasks with mixed constraints
     (CUDA/Ascend alternatives, memory, latency from a data location, price caps, renewable
     floors, gang and split tasks, price/latency/carbon objectives);
  2. runs `suanli bench scheduler --instance FILE`, which queues the tasks while every resource
     is busy, lets the capacity appear, drains the queue (greedy pass + batch optimiser) and
     prints the assignment, the drain time and every feasible (task, resource, cost per unit)
     option under Suanli's cost model;
  3. solves the same assignment problem exactly as a MIP with HiGHS: binary x[t,r] for gang
     tasks, integer units z[t,r] for split tasks, capacity per resource, and a large penalty per
     unplaced unit, so the optimum places as many units as possible, then minimises cost;
  4. checks Suanli's assignment independently (eligibility, gang, units, capacity) and reports
     cost ratio (Suanli / optimal) and speed ratio (HiGHS time / Suanli drain time).

Targets (issue 3): cost within 1% of optimal; at least 100x faster than the exact solver.

Usage: scripts/optimality.py [--suanli PATH] [--sizes 100,200,500] [--seeds 3] [--json]
Needs: pip install highspy
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

try:
    import highspy
    import numpy as np
except ImportError:  # pragma: no cover
    sys.exit("needs highspy (and numpy): pip install highspy")

WEST = ["cluster.tianfu", "cluster.chongqing", "cluster.horinger", "cluster.guian", "cluster.qingyang", "cluster.zhongwei"]
EAST = ["cluster.zhangjiakou", "cluster.yangtze-demo-zone", "cluster.wuhu", "cluster.shaoguan"]
EDGE = ["city.beijing", "city.shanghai", "city.guangzhou", "city.shenzhen", "city.hangzhou", "city.wuhan", "city.chengdu"]
CITIES = ["city.beijing", "city.tianjin", "city.shanghai", "city.hangzhou", "city.nanjing", "city.guangzhou",
          "city.shenzhen", "city.wuhan", "city.chengdu", "city.xian", "city.zhengzhou", "city.changsha"]
# kind, arch, model, memory per unit, units, eastern base price (fen per unit-hour)
SHAPES = [
    ("gpu", "x86_64", "NVIDIA H100-SXM5-80GB", 80, 8, 2200),
    ("gpu", "x86_64", "NVIDIA A100-SXM4-80GB", 80, 8, 900),
    ("gpu", "x86_64", "NVIDIA L40S", 48, 8, 450),
    ("gpu", "x86_64", "NVIDIA GeForce RTX 4090", 24, 8, 190),
    ("npu", "aarch64", "Huawei Ascend 910B", 64, 8, 700),
    ("cpu", "x86_64", "AMD EPYC 9654", 8, 192, 10),
    ("cpu", "aarch64", "Huawei Kunpeng 920-6426", 4, 128, 7),
]
EDGE_SHAPES = [("gpu", "x86_64", "NVIDIA T4", 16, 4, 80), ("npu", "aarch64", "Huawei Ascend 310P", 24, 4, 90)]


def generate(n_tasks, n_resources, seed, load):
    rnd = random.Random(seed)
    providers = []
    for p in range(max(8, n_resources // 25)):
        kind = rnd.random()
        if kind < 0.45:
            loc, west = rnd.choice(WEST), True
        elif kind < 0.85:
            loc, west = rnd.choice(EAST), False
        else:
            loc, west = rnd.choice(EDGE), False
        providers.append({
            "prefix": f"86.1.{p + 1}", "location": loc, "edge": loc.startswith("city."),
            "renewable": round(rnd.uniform(0.45, 0.85) if west else rnd.uniform(0.15, 0.45), 2),
            "factor": rnd.uniform(0.65, 0.85) if west else rnd.uniform(0.95, 1.15),
            "shapes": rnd.sample(range(len(SHAPES)), rnd.randint(2, 4)),
        })
    resources = []
    for i in range(n_resources):
        p = providers[i % len(providers)]
        shape = rnd.choice(EDGE_SHAPES) if p["edge"] else SHAPES[rnd.choice(p["shapes"])]
        kind, arch, model, memory, units, base = shape
        r = rnd.random()
        free = units if r < 0.5 else (0 if r < 0.6 else rnd.randint(1, units))
        resources.append({
            "id": f"{p['prefix']}/n{i}", "provider": p["prefix"], "kind": kind, "arch": arch, "model": model,
            "memory_gib": memory, "units": units, "free_units": free, "location": p["location"],
            "price_fen_per_unit_hour": max(1, round(base * p["factor"] * rnd.uniform(0.9, 1.1))),
            "renewable": p["renewable"],
        })
    free_accel = sum(r["free_units"] for r in resources if r["kind"] != "cpu")
    free_cpu = sum(r["free_units"] for r in resources if r["kind"] == "cpu")
    objectives = [{"price": 1, "latency": 0.25, "carbon": 0.25}, {"price": 1, "latency": 0, "carbon": 0},
                  {"price": 0, "latency": 1, "carbon": 0}, {"price": 0, "latency": 0, "carbon": 1},
                  {"price": 1, "latency": 1, "carbon": 1}, {"price": 1, "latency": 0.5, "carbon": 0}]
    tasks = []
    for t in range(n_tasks):
        c = rnd.random()
        city = rnd.choice(CITIES)
        spec = {"name": f"task-{t}", "priority": 0, "data_location": city, "objective": rnd.choice(objectives)}
        if c < 0.40:
            spec.update(units=rnd.choice([1, 2, 4, 8]), gang=True, accept=[
                {"kind": "gpu", "arch": "x86_64", "min_memory_gib": rnd.choice([24, 48, 80]), "run": {"command": ["train", "--cuda"]}},
                {"kind": "npu", "arch": "aarch64", "model": "Huawei Ascend 910B", "run": {"command": ["train", "--cann"]}}])
            if rnd.random() < 0.3:
                spec["max_price_fen_per_unit_hour"] = rnd.choice([800, 1000, 1500])
        elif c < 0.70:
            spec.update(units=rnd.choice([1, 1, 2]), gang=True, max_rtt_ms=rnd.choice([15, 20, 30]), accept=[
                {"kind": "gpu", "min_memory_gib": 16, "run": {"command": ["serve"]}},
                {"kind": "npu", "run": {"command": ["serve", "--npu"]}}])
        elif c < 0.85:
            spec.update(units=rnd.choice([1, 2, 4]), gang=True, min_renewable=rnd.choice([0.5, 0.6]), accept=[
                {"kind": "gpu", "min_memory_gib": 24, "run": {"command": ["green"]}},
                {"kind": "npu", "run": {"command": ["green", "--npu"]}}])
        else:
            spec.update(units=rnd.choice([16, 32, 64, 128]), gang=rnd.random() < 0.3, accept=[
                {"kind": "cpu", "arch": rnd.choice(["x86_64", "aarch64"]), "run": {"command": ["batch"]}}])
        tasks.append({"id": f"t{t}", "spec": spec})
    # Scale task sizes towards the requested load (demand / free capacity) per class.
    def scale(is_cpu, capacity):
        demand = sum(x["spec"]["units"] for x in tasks if (x["spec"]["accept"][0]["kind"] == "cpu") == is_cpu)
        if demand == 0 or capacity == 0:
            return
        factor = load * capacity / demand
        if factor < 1:
            for x in tasks:
                if (x["spec"]["accept"][0]["kind"] == "cpu") == is_cpu:
                    x["spec"]["units"] = max(1, int(round(x["spec"]["units"] * factor)))
    scale(False, free_accel)
    scale(True, free_cpu)
    return {"resources": resources, "tasks": tasks}


def solve_exact(instance, pairs, time_limit, restrict=None):
    """Exact assignment with HiGHS; returns (objective parts, seconds, status)."""
    free = {r["id"]: r["free_units"] for r in instance["resources"]}
    units = {t["id"]: t["spec"]["units"] for t in instance["tasks"]}
    gang = {t["id"]: t["spec"].get("gang", True) for t in instance["tasks"]}
    tasks = [t["id"] for t in instance["tasks"] if restrict is None or t["id"] in restrict]
    by_task = {t: [] for t in tasks}
    for p in pairs:
        if p["task"] in by_task:
            by_task[p["task"]].append(p)
    max_cost = max([p["cost"] for p in pairs] + [1.0])
    big_m = 1000.0 * max_cost
    cols_cost, cols_low, cols_up, integrality = [], [], [], []
    col_entries = []  # per column: list of (row, value)
    res_row = {rid: i for i, rid in enumerate(sorted(free))}
    n_res = len(res_row)
    task_row = {t: n_res + i for i, t in enumerate(tasks)}
    row_low = [-highspy.kHighsInf] * n_res + [0.0] * len(tasks)
    row_up = [float(free[r]) for r in sorted(free)] + [0.0] * len(tasks)
    meaning = []
    for t in tasks:
        u = units[t]
        if gang[t]:
            # sum_r x = p  →  sum_r x - p = 0 ; p in {0,1}
            for p in by_task[t]:
                cols_cost.append(p["cost"] * u); cols_low.append(0); cols_up.append(1); integrality.append(1)
                col_entries.append([(res_row[p["resource"]], float(u)), (task_row[t], 1.0)])
                meaning.append(("x", t, p["resource"], u))
        else:
            for p in by_task[t]:
                cols_cost.append(p["cost"]); cols_low.append(0); cols_up.append(min(u, free[p["resource"]])); integrality.append(1)
                col_entries.append([(res_row[p["resource"]], 1.0), (task_row[t], 1.0)])
                meaning.append(("z", t, p["resource"], 1))
        # placed indicator p_t with cost -M*u: sum(x or z) - (1 or u) * p = 0
        cols_cost.append(-big_m * u); cols_low.append(0); cols_up.append(1); integrality.append(1)
        col_entries.append([(task_row[t], -1.0 if gang[t] else -float(u))])
        meaning.append(("p", t, None, u))
    lp = highspy.HighsLp()
    lp.num_col_ = len(cols_cost)
    lp.num_row_ = len(row_low)
    lp.col_cost_ = np.array(cols_cost, dtype=np.double)
    lp.col_lower_ = np.array(cols_low, dtype=np.double)
    lp.col_upper_ = np.array(cols_up, dtype=np.double)
    lp.row_lower_ = np.array(row_low, dtype=np.double)
    lp.row_upper_ = np.array(row_up, dtype=np.double)
    starts, index, value = [0], [], []
    for entries in col_entries:
        for r, v in entries:
            index.append(r); value.append(v)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.double)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integrality]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-7)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    start = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    sol = h.getSolution().col_value
    cost, placed_units, placed = 0.0, 0, 0
    for (kind, t, r, u), v in zip(meaning, sol):
        if kind == "x" and v > 0.5:
            cost += next(p["cost"] for p in by_task[t] if p["resource"] == r) * u
        elif kind == "z" and v > 0.5:
            cost += next(p["cost"] for p in by_task[t] if p["resource"] == r) * round(v)
        elif kind == "p" and v > 0.5:
            placed += 1
            placed_units += u
    return {"cost": cost, "placed": placed, "placed_units": placed_units, "seconds": seconds, "status": status}


def check_suanli(instance, pairs, answer):
    """Independent check of Suanli's assignment; returns (cost, placed, placed units, problems)."""
    free = {r["id"]: r["free_units"] for r in instance["resources"]}
    spec = {t["id"]: t["spec"] for t in instance["tasks"]}
    cost_of = {(p["task"], p["resource"]): p["cost"] for p in pairs}
    used, problems, cost, placed_units = {}, [], 0.0, 0
    for a in answer["assignment"]:
        s = spec[a["task"]]
        parts = a["parts"]
        if sum(p["units"] for p in parts) != s["units"]:
            problems.append(f"{a['task']}: wrong units")
        if s.get("gang", True) and len(parts) != 1:
            problems.append(f"{a['task']}: gang split")
        for p in parts:
            key = (a["task"], p["resource"])
            if key not in cost_of:
                problems.append(f"{a['task']}: {p['resource']} not eligible")
                continue
            cost += cost_of[key] * p["units"]
            used[p["resource"]] = used.get(p["resource"], 0) + p["units"]
        placed_units += s["units"]
    for r, u in used.items():
        if u > free[r]:
            problems.append(f"{r}: {u} units used > {free[r]} free")
    return cost, len(answer["assignment"]), placed_units, problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    default_binary = next((p for p in [os.path.join(root, ".build-sched/release/suanli"), os.path.join(root, ".build/release/suanli")]
                           if os.path.exists(p)), "suanli")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suanli", default=default_binary, help="path to a release build of suanli")
    ap.add_argument("--sizes", default="100,200,500", help="instance sizes (tasks = resources), comma-separated")
    ap.add_argument("--seeds", type=int, default=3, help="instances per size")
    ap.add_argument("--load", type=float, default=0.8, help="demand relative to free capacity")
    ap.add_argument("--time-limit", type=float, default=900, help="HiGHS time limit per instance, seconds")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--candidates", type=int, help="override the optimiser's candidates per task (experiments)")
    args = ap.parse_args()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        for seed in range(1, args.seeds + 1):
            instance = generate(n, n, seed, args.load)
            if args.candidates:
                instance["candidates"] = args.candidates
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(instance, f)
                path = f.name
            try:
                out = subprocess.run([args.suanli, "bench", "scheduler", "--instance", path], check=True, capture_output=True, text=True)
            finally:
                os.unlink(path)
            answer = json.loads(out.stdout)
            pairs = answer["pairs"]
            s_cost, s_placed, s_units, problems = check_suanli(instance, pairs, answer)
            exact = solve_exact(instance, pairs, args.time_limit)
            row = {"tasks": n, "resources": n, "seed": seed, "pairs": len(pairs), "status": exact["status"],
                   "suanli_placed": s_placed, "optimal_placed": exact["placed"],
                   "suanli_units": s_units, "optimal_units": exact["placed_units"],
                   "suanli_cost": s_cost, "optimal_cost": exact["cost"], "greedy_cost": answer["greedy_cost"],
                   "suanli_s": answer["drain_s"], "highs_s": exact["seconds"], "problems": problems}
            if s_units < exact["placed_units"]:
                # The optimum places more units: also compare cost on exactly the tasks Suanli placed.
                same = solve_exact(instance, pairs, args.time_limit, restrict={a["task"] for a in answer["assignment"]})
                row["optimal_cost_same_tasks"] = same["cost"]
                row["highs_s_same_tasks"] = same["seconds"]
                reference = same["cost"]
            else:
                reference = exact["cost"]
            row["cost_ratio"] = s_cost / reference if reference > 0 else 1.0
            row["greedy_ratio"] = answer["greedy_cost"] / reference if reference > 0 else 1.0
            row["speed_ratio"] = exact["seconds"] / max(answer["drain_s"], 1e-9)
            rows.append(row)
            if not args.json:
                print(f"{n:4d} tasks x {n:4d} resources, seed {seed}: placed {s_placed}/{exact['placed']} tasks "
                      f"({s_units}/{exact['placed_units']} units); cost ratio {row['cost_ratio']:.4f} "
                      f"(greedy alone {row['greedy_ratio']:.4f}); Suanli {answer['drain_s'] * 1e3:.2f} ms, "
                      f"HiGHS {exact['seconds']:.2f} s ({exact['status']}): {row['speed_ratio']:.0f}x faster"
                      + (f"; PROBLEMS: {problems}" if problems else ""), flush=True)
    worst = max(r["cost_ratio"] for r in rows)
    slowest = min(r["speed_ratio"] for r in rows)
    summary = {"instances": rows, "worst_cost_ratio": worst, "mean_cost_ratio": sum(r["cost_ratio"] for r in rows) / len(rows),
               "min_speed_ratio": slowest, "problems": sum(len(r["problems"]) for r in rows)}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"worst cost ratio {worst:.4f} (target <= 1.01); mean {summary['mean_cost_ratio']:.4f}; "
              f"slowest speed ratio {slowest:.0f}x (target >= 100x); feasibility problems: {summary['problems']}")


if __name__ == "__main__":
    main()
