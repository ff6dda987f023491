// This folder's unit suites (*.unit.ts), run in one jest file: see testing/suites.ts.
import { runSuites } from "../../testing/suites";

runSuites(__dirname);
