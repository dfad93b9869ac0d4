// Compiled by run.sh against the types openapi-typescript generates from docs/openapi/v1.json: if the document says
// something the server does not (a field required that the server lets out, an error with no body), this stops compiling.
import type { components, paths } from "./generated/v1";

type PutSession = paths["/api/v1/patients/{patientId}/sessions/{sessionNumber}"]["put"];
type GetSession = paths["/api/v1/patients/{patientId}/sessions/{sessionNumber}/revisions"]["get"];
type SessionBody = PutSession["requestBody"]["content"]["application/json"];
type Problem = components["schemas"]["ProblemDetails"];
type ValidationProblem = components["schemas"]["HttpValidationProblemDetails"];

// The README's minimal body and its full one.
export const minimal: SessionBody = { measurements: [] };
export const full: SessionBody = {
  occurredOn: "2026-11-02",
  modality: "video",
  therapistId: "t-7",
  measurements: [
    { instrument: "wai-sr", items: [4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5] },
    { instrument: "phq-9", items: [2, 1, 2, 1, 1, 0, 1, 1, 0] },
    { instrument: "oq-45", total: 64 },
  ],
};
export const patient: components["schemas"]["PatientBody"] = {};
export const acknowledge: components["schemas"]["AlertActionBody"] = {};

// What the PUT and the GET answer, successes and every error.
export const created: PutSession["responses"][201]["content"]["application/json"] = {
  patientId: "p-1042", sessionNumber: 1, occurredOn: null, modality: null, therapistId: null, measurements: [],
};
export const revisions: GetSession["responses"][200]["content"]["application/json"] = { patientId: "p-1042", sessionNumber: 1, revisions: [] };
export const invalid: PutSession["responses"][400]["content"]["application/problem+json"] = {
  title: "The request is not valid", status: 400, detail: "measurements: is required", errors: { measurements: ["is required (it may be an empty list)"] },
};
export const putErrors: Problem[] = [
  {} as PutSession["responses"][401]["content"]["application/problem+json"],
  {} as PutSession["responses"][403]["content"]["application/problem+json"],
  {} as PutSession["responses"][404]["content"]["application/problem+json"],
  {} as PutSession["responses"][413]["content"]["application/problem+json"],
  {} as PutSession["responses"][429]["content"]["application/problem+json"],
  {} as PutSession["responses"][503]["content"]["application/problem+json"],
];
export const unsupported: ValidationProblem = {} as PutSession["responses"][415]["content"]["application/problem+json"];
export const getErrors: Problem[] = [
  {} as GetSession["responses"][401]["content"]["application/problem+json"],
  {} as GetSession["responses"][404]["content"]["application/problem+json"],
];

// The export's two media types and the summary's shape.
type Export = paths["/api/v1/export/sessions"]["get"]["responses"][200]["content"];
export const csv: Export["text/csv"] = "patient,session\n";
export const jsonLines: Export["application/x-ndjson"] = "{}\n";
type Summary = paths["/api/v1/analysis/summary"]["get"]["responses"][200]["content"]["application/json"];
export const modelNames = (summary: Summary): string[] => summary.models.map((m) => m.name);
export const tooLittleData: Problem = {} as paths["/api/v1/analysis/summary"]["get"]["responses"][422]["content"]["application/problem+json"];
