// dist/core/format.js
/** Text layout shared by every face: aligned columns, durations, sizes (pure). */
const ANSI = /\x1b\[[0-9;]*m/g;
/** Width as the terminal shows it: colour codes take no room. */
function visibleLength(text) {
	return text.replace(ANSI, "").length;
}
/** Cells padded into aligned lines (header first); the last column is not padded. */
function alignedLines(headers, rows) {
	const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
	const line = (cells) => cells.map((c, i) => i === cells.length - 1 ? c : c + " ".repeat(Math.max(0, widths[i] - visibleLength(c)))).join("  ").trimEnd();
	return [line(headers), ...rows.map(line)];
}
function table(headers, rows) {
	return alignedLines(headers, rows).join("\n");
}
function formatDuration(ms) {
	const s = Math.max(0, Math.round(ms / 1e3));
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
	return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
function formatBytes(n) {
	if (n == null) return "-";
	if (n < 1048576) return `${Math.round(n / 1024)}K`;
	if (n < 1073741824) return `${Math.round(n / 1024 / 1024)}M`;
	return `${(n / 1024 / 1024 / 1024).toFixed(1)}G`;
}
export { table as i, formatBytes as n, formatDuration as r, alignedLines as t };
