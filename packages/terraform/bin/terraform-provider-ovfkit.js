#!/usr/bin/env node
'use strict';
require('../dist/main.js')
  .runPlugin(process.env)
  .then((code) => process.exit(code));
