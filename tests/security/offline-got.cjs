// Stands in for `got` inside Electronegativity: its translation download and
// Electron release-list check need the internet, which CI does not have.
// Failing at once (instead of timing out and retrying) keeps the run offline
// and avoids got's retry timer crashing on Node 24.
'use strict';
const offline = () => Promise.reject(new Error('offline: no network access in this run'));
offline.head = offline;
module.exports = offline;
