"""Writes a session import (NDJSON) and the same measurement rows as CSV for COPY.

Usage: generate.py SESSIONS OUT_NDJSON OUT_CSV [--invalid]
Patients of 10 sessions each, one after another as a platform's export would list them; each session has a client
WAI-SR (12 items, 1-5) and a PHQ-9 (9 items, 0-3). About one patient in eight dips at one session, so the import raises
alerts as a real backfill would. With --invalid every line has sessionNumber 0: the validator rejects each one after
reading and validating it, so the run times the service without any database write.
"""
import json
import random
import sys

sessions, ndjson_path, csv_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
invalid = "--invalid" in sys.argv
rng = random.Random(20261202)


def items(mean, count, low, high):
    return [min(high, max(low, round(rng.gauss(mean, 0.6)))) for _ in range(count)]


with open(ndjson_path, "w", encoding="utf-8") as ndjson, open(csv_path, "w", encoding="utf-8") as csv:
    written = 0
    patient = 0
    while written < sessions:
        patient += 1
        level = rng.uniform(3.0, 4.7)
        dip_at = rng.randint(4, 10) if rng.random() < 0.125 else None
        therapist = f"t-{patient % 40}"
        for number in range(1, 11):
            if written == sessions:
                break
            alliance = level - 2.0 if number == dip_at else level
            wai = items(alliance, 12, 1, 5)
            phq = items(1.2, 9, 0, 3)
            occurred = f"2025-{1 + number // 3:02d}-{1 + (patient + number) % 28:02d}"
            line = {
                "patientId": f"bench-{patient:06d}",
                "sessionNumber": 0 if invalid else number,
                "occurredOn": occurred,
                "modality": "video",
                "therapistId": therapist,
                "measurements": [{"instrument": "wai-sr", "items": wai}, {"instrument": "phq-9", "items": phq}],
            }
            ndjson.write(json.dumps(line, separators=(",", ":")) + "\n")
            for instrument, timing, values, total in (("wai-sr", "post", wai, sum(wai) / 12), ("phq-9", "pre", phq, sum(phq))):
                array = "{" + ",".join(str(v) for v in values) + "}"
                csv.write(f"bench-{patient:06d},{number},{instrument},client,{timing},\"{array}\",{total},{occurred},video,{therapist}\n")
            written += 1
