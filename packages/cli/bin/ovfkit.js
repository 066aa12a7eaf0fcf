#!/usr/bin/env node
'use strict';
require('../dist/entry.js').run(process.argv.slice(2));
