// The handlers named in manifest.yml. Filled in by the sync engine (issue 4).
export {};
