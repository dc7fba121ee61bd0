#!/usr/bin/env python3
"""Cross-platform placements/s on loopback: a root and one child as `suanli serve` processes, one
big CPU resource at the child, N task submissions at the child (local) and N at the root (each
claimed at the child), one at a time. Usage: scripts/federated-placement-bench.py [N] (run from
the repository root after `swift build`; SUANLI=path/to/suanli to use another binary)."""
import json, subprocess, time, urllib.request, os, shutil, sys, tempfile
B = os.environ.get('SUANLI', '.build/debug/suanli'); D = tempfile.mkdtemp(prefix='suanli-placement-bench-')
def req(url, method='GET', token=None, body=None):
    r = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token: r.add_header('Authorization', 'Bearer ' + token)
    if body is not None: r.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(r, timeout=30) as resp: return resp.status, json.loads(resp.read() or b'null')
    except urllib.error.HTTPError as e: return e.code, e.read().decode()
def wait(url):
    for _ in range(200):
        try: urllib.request.urlopen(url + '/healthz', timeout=1); return
        except Exception: time.sleep(0.1)
    raise SystemExit('no ' + url)
OP = 'bench-operator-token-00000000000'
procs = []
try:
    procs.append(subprocess.Popen([B, 'serve', '--port', '9201', '--data', f'{D}/r', '--prefix', '86.1', '--operator-token', OP, '--log-level', 'error', '--read-access', 'open'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    R = 'http://127.0.0.1:9201'; wait(R)
    s, child = req(R + '/v1/federation/children', 'POST', OP, {'name': 'east', 'url': 'http://127.0.0.1:9202'})
    procs.append(subprocess.Popen([B, 'serve', '--port', '9202', '--data', f'{D}/c', '--prefix', str(child['prefix']), '--parent', R, '--join-token', child['join_token'], '--operator-token', OP, '--log-level', 'error', '--sync-interval', '0.2', '--read-access', 'open'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    C = 'http://127.0.0.1:9202'; wait(C)
    s, prov = req(C + '/v1/providers', 'POST', OP, {'name': 'p', 'contact': 'x', 'location': 'city.shanghai', 'renewable': 0.5, 'pue': 1.2})
    rid = f"{prov['prefix']}/cores"
    spec = {'kind': 'cpu', 'arch': 'x86_64', 'model': 'core', 'units': 100000, 'memory_gib': 1, 'location': 'city.shanghai', 'price_fen_per_unit_hour': 10, 'tflops': {'fp64': 1, 'fp32': 1, 'fp16': 1, 'int8': 1}}
    s, body = req(C + '/v1/resources/' + rid, 'PUT', prov['token'], spec); assert s in (200, 201), (s, body)
    s, rc = req(R + '/v1/consumers', 'POST', OP, {'name': 'alice'})
    s, cc = req(C + '/v1/consumers', 'POST', OP, {'name': 'bob'})
    for _ in range(200):
        s, page = req(R + '/v1/resources?scope=federation&kind=cpu')
        if s == 200 and any(i['id'] == rid for i in page['items']): break
        time.sleep(0.1)
    task = {'name': 'b', 'units': 1, 'accept': [{'kind': 'cpu', 'run': {'command': ['true']}}]}
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for label, url, tok in [('local at the owner (single platform)', C, cc['token']), ('federated: root -> claim at child', R, rc['token'])]:
        t = time.time(); ids = []
        for i in range(N):
            s, sub = req(url + '/v1/tasks', 'POST', tok, task); assert s == 201, (s, sub); ids.append(sub['id'])
        dt = time.time() - t
        print(f'{label}: {N} submissions in {dt:.2f} s = {N/dt:.0f}/s, mean {dt/N*1000:.1f} ms; first id {ids[0]}')
    t = time.time()
    for i in ids[:50]: s, rec = req(R + '/v1/tasks/' + i, token=rc['token']); assert s == 200
    print(f'GET /v1/tasks/{{id}} at the home for a federated task: mean {(time.time()-t)/50*1000:.1f} ms')
finally:
    for p in procs: p.terminate()
    for p in procs: p.wait()
    shutil.rmtree(D, ignore_errors=True)
