#!/usr/bin/env python3
"""Drives the Suanli dashboard in headless Chromium (selenium + Debian's chromium-driver).

Check mode (DashboardBrowserTests runs it against a seeded test platform):
    dashboard-browser.py check URL CONSUMER_A_TOKEN CONSUMER_B_TOKEN
  - the overview's figures equal GET /v1/stats (fetched here) and state their basis;
    the page names the 8 national hubs;
  - the map shows all 8 hubs, and hovering one draws its RTTs to the other 7;
  - a task submitted through the API (here, with urllib) appears in the task list without a
    reload; a second consumer's token does not show it;
  - the token given as /#token=… leaves the address bar;
  - no console errors on any page visited.
  Prints one JSON line with what it checked; exits 1 with the reason on a failure.

Screenshot mode (docs/screenshots/, against `suanli up`):
    dashboard-browser.py screenshots URL OPERATOR_TOKEN OUT_DIR
  registers a consumer, submits a few tasks, and saves overview, map, plots, providers,
  provider, tasks, task and discovery PNGs.
"""
import json
import os
import re
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 15


class Failure(Exception):
    pass


def api(base, path, token=None, body=None, method=None):
    request = urllib.request.Request(base + path, method=method or ("POST" if body is not None else "GET"))
    if token:
        request.add_header("Authorization", "Bearer " + token)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data=data, timeout=10) as response:
        return json.loads(response.read())


def browser(width=1280, height=900):
    home = tempfile.mkdtemp(prefix="suanli-chrome-")
    os.environ["HOME"] = home  # chromium writes ~/.config and ~/.cache
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                     "--user-data-dir=" + os.path.join(home, "profile"), "--lang=en-GB", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path="/usr/bin/chromedriver", log_output=os.path.join(home, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def wait(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(lambda d: condition(d))
    except Exception as error:
        alert = driver.execute_script("const a = document.getElementById('alert'); return a && !a.hidden ? a.textContent : ''")
        raise Failure(f"timed out waiting for {what}" + (f" (page says: {alert})" if alert else "") + f": {type(error).__name__}")


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def lookup(document, path):
    value = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise Failure(f"/v1/stats has no {path}")
        value = value[part]
    return value


def shown_number(text):
    """The number a figure shows, in the unit of its raw value (PFLOPS, share, count)."""
    match = re.search(r"(-?[\d,]+(?:\.\d+)?)\s*(EFLOPS|PFLOPS|%)?", text)
    if not match:
        raise Failure(f"no number in {text!r}")
    number = float(match.group(1).replace(",", ""))
    digits = len(match.group(1).split(".")[1]) if "." in match.group(1) else 0
    unit = match.group(2)
    scale = {"EFLOPS": 1000.0, "%": 0.01}.get(unit, 1.0)
    return number * scale, 0.5 * 10 ** -digits * scale


def check_overview(driver, base, stats, topology):
    figures = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-stat]") or False, "the overview's figures")
    checked = 0
    for element in figures:
        path = element.get_attribute("data-stat")
        raw = element.get_attribute("data-value")
        expected = lookup(stats, path)
        if json.loads(raw) != expected:
            raise Failure(f"overview {path}: page has {raw}, /v1/stats has {expected}")
        number, tolerance = shown_number(element.text)
        if abs(number - expected) > tolerance + 1e-9:
            raise Failure(f"overview {path}: shows {element.text!r}, /v1/stats has {expected}")
        checked += 1
    # Every class figure states its basis.
    for card in driver.find_elements(By.CSS_SELECTOR, "[data-class]"):
        cls = card.get_attribute("data-class")
        basis = stats["capacity"]["by_class"][cls]["basis"]
        if basis.upper() not in card.text:
            raise Failure(f"the {cls} figure does not state its basis {basis}: {card.text!r}")
    needed = {"providers", "resources", "units", "free_units", "utilization", "central_western_share", "renewable_share", "pue",
              "capacity.by_class.intelligent.pflops", "coverage.any.share"}
    present = {e.get_attribute("data-stat") for e in figures}
    if not needed <= present:
        raise Failure(f"the overview lacks {sorted(needed - present)}")
    hubs = [l["name"] for l in topology["locations"] if l["kind"] == "hub"]
    text = driver.find_element(By.ID, "hub-names").text
    missing = [name for name in hubs if name not in text]
    if len(hubs) != 8 or missing:
        raise Failure(f"the overview does not name the 8 hubs: missing {missing}")
    return checked


def check_map(driver, topology):
    driver.get(driver.current_url.split("#")[0] + "#/map")
    markers = wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "g.hub-marker")) == 8 and d.find_elements(By.CSS_SELECTOR, "g.hub-marker"),
                   "8 hub markers on the map")
    codes = sorted(m.get_attribute("data-hub") for m in markers)
    expected = sorted(l["code"] for l in topology["locations"] if l["kind"] == "hub")
    if codes != expected:
        raise Failure(f"map hubs {codes} != {expected}")
    ring = markers[0].find_element(By.CSS_SELECTOR, "circle.hub")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", ring)
    ActionChains(driver).move_to_element(ring).perform()
    labels = wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "g.rtt text")) == 7 and d.find_elements(By.CSS_SELECTOR, "g.rtt text"),
                  "RTTs to the 7 other hubs on hover")
    for label in labels:
        if not re.fullmatch(r"\d+(\.\d)? ms", label.text):
            raise Failure(f"RTT label {label.text!r}")
    if not driver.find_elements(By.CSS_SELECTOR, "g.site"):
        raise Failure("no location drawn with its capacity")
    return len(markers)


def open_tasks(driver):
    driver.get(driver.current_url.split("#")[0] + "#/tasks")
    wait(driver, lambda d: d.find_elements(By.ID, "live") and d.find_element(By.ID, "live").text == "live", "the task stream")


def task_row(driver, task):
    return driver.find_elements(By.CSS_SELECTOR, f'tr[data-task="{task}"]')


def use_token(driver, token):
    field = driver.find_element(By.ID, "token-input")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()


def spec(name, command):
    return {"name": name, "units": 1, "accept": [{"kind": "gpu", "run": {"command": command}}], "duration_s": 60}


def check(base, token_a, token_b):
    driver = browser()
    try:
        started = time.time()
        # The token arrives in the address's fragment and leaves the address bar at once.
        driver.get(base + "/#token=" + token_a)
        wait(driver, lambda d: "token" not in d.current_url, "the token to leave the address bar")
        stats = api(base, "/v1/stats")
        topology = api(base, "/v1/topology")
        figures = check_overview(driver, base, stats, topology)
        hubs = check_map(driver, topology)

        # A task submitted through the API appears without a reload.
        open_tasks(driver)
        driver.execute_script("window.__sameDocument = 1")
        first = api(base, "/v1/tasks", token_a, spec("browser-check", ["true"]))["id"]
        wait(driver, lambda d: task_row(d, first), f"task {first} in the list")
        if driver.execute_script("return window.__sameDocument") != 1:
            raise Failure("the page reloaded")

        # Another consumer's token: the list is theirs only, then and while new tasks arrive.
        use_token(driver, token_b)
        wait(driver, lambda d: "consumer" in d.find_element(By.ID, "token-state").text
             and d.find_elements(By.ID, "live") and d.find_element(By.ID, "live").text == "live", "the second consumer's stream")
        other = api(base, "/v1/tasks", token_a, spec("a-again", ["true"]))["id"]
        theirs = api(base, "/v1/tasks", token_b, spec("b-own", ["true"]))["id"]
        wait(driver, lambda d: task_row(d, theirs), f"the second consumer's task {theirs}")
        if task_row(driver, first) or task_row(driver, other):
            raise Failure("the second consumer sees the first consumer's tasks")

        # The other pages load without errors.
        for route, selector in (("#/plots", "svg.plot"), ("#/providers", "#providers tbody tr"),
                                ("#/discovery", "#discovery-results table"), ("#/federation", "#federation-placeholder")):
            driver.get(base + "/" + route)
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), f"{route} ({selector})")
        errors = console_errors(driver)
        if errors:
            raise Failure(f"console errors: {errors}")
        print(json.dumps({"figures_checked": figures, "hubs_on_map": hubs, "task_seen": first, "hidden_from_other": [first, other],
                          "seconds": round(time.time() - started, 2)}))
    finally:
        driver.quit()


def screenshots(base, operator, out):
    os.makedirs(out, exist_ok=True)
    consumer = api(base, "/v1/consumers", operator, {"name": "screenshots", "contact": "docs@example.com"})
    token = consumer["token"]
    tasks = []
    for i, (kind, units) in enumerate([("gpu", 4), ("npu", 8), ("cpu", 32), ("gpu", 1), ("gpu", 2)]):
        body = {"name": f"demo-{kind}-{i + 1}", "units": units,
                "accept": [{"kind": kind, "run": {"command": ["sh", "-c", f"echo step {i} on $SUANLI_TASK_ID; sleep {3 + i}; echo done"]}}],
                "data_location": "city.shanghai", "duration_s": 600}
        tasks.append(api(base, "/v1/tasks", token, body)["id"])
    # Some load that lasts, so that utilisation shows on the map and in the plots.
    cities = ["city.shanghai", "city.beijing", "city.guangzhou", "city.chengdu", "city.xian", "city.wuhan"]
    for i in range(60):
        kind, units = [("gpu", 8), ("npu", 8), ("gpu", 4), ("cpu", 64)][i % 4]
        body = {"name": f"batch-{kind}-{i + 1}", "units": units, "data_location": cities[i % len(cities)],
                "accept": [{"kind": kind, "run": {"command": ["sleep", "600"]}}], "duration_s": 900}
        api(base, "/v1/tasks", token, body)
    driver = browser(1360, 1000)
    try:
        def shot(route, name, selector, height=None):
            driver.get(base + "/" + route)
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), f"{route} for {name}")
            time.sleep(0.5)
            full = height or driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1360, min(full, 2000))
            time.sleep(0.3)
            driver.save_screenshot(os.path.join(out, name + ".png"))
            driver.set_window_size(1360, 1000)

        driver.get(base + "/#token=" + token)
        time.sleep(float(os.environ.get("SCREENSHOT_SETTLE_S", "6")))  # let the tasks run and the history gain samples
        shot("#/", "overview", "[data-stat]")
        shot("#/map", "map", "g.hub-marker")
        shot("#/plots", "plots", "svg.plot")
        shot("#/providers", "providers", "#providers tbody tr", 1000)
        first_provider = driver.find_element(By.CSS_SELECTOR, "#providers tbody tr").get_attribute("data-provider")
        shot(f"#/providers/{first_provider}", "provider", "table.resources", 1000)
        shot("#/tasks", "tasks", "#tasks tbody tr[data-task]", 700)
        shot(f"#/tasks/{tasks[0]}", "task", "ol.timeline", 1100)
        shot("#/discovery", "discovery", "#discovery-results table", 1000)
        errors = console_errors(driver)
        if errors:
            raise Failure(f"console errors: {errors}")
    finally:
        driver.quit()
    print(json.dumps({"screenshots": sorted(os.listdir(out))}))


def main(argv):
    try:
        if len(argv) == 5 and argv[1] == "check":
            check(argv[2].rstrip("/"), argv[3], argv[4])
        elif len(argv) == 5 and argv[1] == "screenshots":
            screenshots(argv[2].rstrip("/"), argv[3], argv[4])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
