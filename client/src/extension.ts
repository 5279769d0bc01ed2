// Placeholder entry: replaced by the VS Code extension (issue 5).
export function activate(): void {}
export function deactivate(): void {}
