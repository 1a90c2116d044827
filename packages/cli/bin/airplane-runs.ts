#!/usr/bin/env node
/**
 * `airplane-runs`: the Airplane Runs API from a terminal. `airplane-runs --help` lists the
 * commands; the package README has the exit codes.
 */
import * as Cli from "../src/Cli.js"

Cli.main()
