// Placeholder entry: replaced by the makeimg CLI (issue 3).
export {};
