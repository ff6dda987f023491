// @ts-check
/**
 * Set up before each file of the processes project (jest.config.js): this
 * file may start processes, even in a worker that ran unit tests before,
 * whose set-up (testing/no-processes.js) refuses them.
 */

const childProcess = require("node:child_process");

/** @type {any} */ (childProcess)[Symbol.for("all2all.noProcesses")] = undefined;
