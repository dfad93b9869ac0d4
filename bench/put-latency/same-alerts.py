#!/usr/bin/env python3
"""Sends one seeded sequence of session PUTs (new sessions, corrections, removed forms, replays, therapist ratings) to a
running service and prints, in a fixed order, every alert and every revision it stored, without ids or timestamps.
Two builds given the same sequence must print the same: see same-alerts.sh."""
import http.client, json, random, subprocess, sys

port, key, psql = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
rng = random.Random(20261202)


def items(count, total, low, high):
    total = max(count * low, min(count * high, total))
    extra = total - count * low
    return [low + extra // count + (1 if i < extra % count else 0) for i in range(count)]


def put(patient, session, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("PUT", f"/api/v1/patients/{patient}/sessions/{session}", json.dumps(body),
                 {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    if response.status not in (200, 201):
        sys.exit(f"PUT {patient}/{session}: {response.status}")


def body(level, phq, therapist_level=None, alliance=True):
    measurements = []
    if alliance:
        measurements.append({"instrument": "wai-sr", "items": items(12, level, 1, 5)})
    measurements.append({"instrument": "phq-9", "items": items(9, phq, 0, 3)})
    if therapist_level is not None:
        measurements.append({"instrument": "wai-sr-t", "rater": "therapist", "items": items(12, therapist_level, 1, 5)})
    return {"occurredOn": "2026-11-02", "modality": "video", "therapistId": "t-1", "measurements": measurements}


sent = {}
for patient in range(24):
    level, phq, therapist = rng.randint(38, 56), rng.randint(3, 12), rng.random() < 0.5
    for session in range(1, rng.randint(6, 16)):
        dip = rng.random() < 0.15
        current = body(level - (rng.randint(12, 22) if dip else rng.randint(-3, 3)), phq + rng.randint(-2, 6 if dip else 2),
                       (level - rng.randint(-2, 4)) if therapist else None)
        put(f"p{patient}", session, current)
        sent[(patient, session)] = current
        phq = max(0, min(27, phq + rng.randint(-1, 2)))
        roll = rng.random()
        if roll < 0.12 and session > 1:      # a correction of an earlier session
            earlier = rng.randint(1, session)
            put(f"p{patient}", earlier, body(level - rng.randint(0, 25), rng.randint(0, 27)))
        elif roll < 0.16:                    # the platform retries
            put(f"p{patient}", session, current)
        elif roll < 0.19 and session > 2:    # the alliance form is withdrawn from a session
            put(f"p{patient}", session - 1, body(level, phq, alliance=False))

query = """
SELECT p.external_id, a.instrument, a.rater, a.kind, a."session", a.status, a.rupture_status, a.status_session, a.severity,
       round(a.observed::numeric, 9), round(a.baseline::numeric, 9), round(a.drop_in_sds::numeric, 9), round(a.threshold::numeric, 9),
       a."rule", a.rule_version, a.calibration_version, a.default_calibration, a.explanation, a.first_session, a.method,
       round(a.therapist_observed::numeric, 9), round(a.therapist_baseline::numeric, 9)
FROM alerts a JOIN patients p ON p.id = a.patient_id ORDER BY 1, 2, 3, 4, 5;
SELECT p.external_id, s.number, m.instrument, m.rater, m.timing, m.revision, m.total, m.superseded_at IS NULL
FROM measurements m JOIN sessions s ON s.id = m.session_id JOIN patients p ON p.id = s.patient_id ORDER BY 1, 2, 3, 4, 5, 6;
"""
print(subprocess.run(psql + ["-At", "-c", query], check=True, capture_output=True, text=True).stdout, end="")
