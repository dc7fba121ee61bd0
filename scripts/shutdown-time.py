#!/usr/bin/env python3
"""Times how fast `suanli up`, `suanli serve` (with an agent's long poll open) and `suanli agent`
exit after SIGINT/SIGTERM. Usage: scripts/shutdown-time.py [path/to/suanli]"""
import json, shutil, signal, subprocess, sys, tempfile, time, urllib.request

B = sys.argv[1] if len(sys.argv) > 1 else ".build/release/suanli"
data = tempfile.mkdtemp(prefix="suanli-stop-")

def timed_stop(p, sig):
    t = time.time(); p.send_signal(sig); p.wait(); return time.time() - t

# 1. up: wait until it prints its banner, let it run, then SIGINT.
up = subprocess.Popen([B, "up", "--port", "0", "--data", data + "/up"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
for line in up.stdout:
    if "Stop with" in line: break
time.sleep(3)
print("up (36 demo agents, long polls open): exit %.3f s after SIGINT" % timed_stop(up, signal.SIGINT))

# 2. serve with two agents attached.
token = "stop-operator-token-000000000"
srv = subprocess.Popen([B, "serve", "--port", "0", "--data", data + "/serve", "--operator-token", token, "--heartbeat-interval", "1"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = srv.stdout.readline().split("listening on ")[1].split()[0]
def post(path, body):
    r = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                               headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(r))
agents = []
for i in range(2):
    p = post("/v1/providers", {"name": "p%d" % i, "contact": "c", "location": "city.shanghai", "renewable": 0.5, "pue": 1.2})
    agents.append(subprocess.Popen([B, "agent", "--server", url, "--token", p["token"], "--location", "city.shanghai",
                                    "--work-dir", data + "/w%d" % i, "--heartbeat-interval", "1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
time.sleep(4)
print("agent: exit %.3f s after SIGTERM" % timed_stop(agents[0], signal.SIGTERM))
print("serve (an agent's long poll open): exit %.3f s after SIGTERM" % timed_stop(srv, signal.SIGTERM))
agents[1].send_signal(signal.SIGTERM); agents[1].wait()
shutil.rmtree(data, ignore_errors=True)
