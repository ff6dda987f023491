/**
 * The entry point that cdktf.json's `app` runs (`node dist/main.js`), for the
 * optional cdktn CLI. The project's own `all2all synth` builds the same App.
 */
import * as path from "node:path";
import { readProjectConfig } from "./cli/project";
import { buildApp } from "./stacks/app";

const project = readProjectConfig(path.resolve(__dirname, ".."));
buildApp({ context: project.context }).synth();
