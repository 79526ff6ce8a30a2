// The console's few lines of its own script (CSP: script-src 'self').
window.liandong = {
    // Ctrl+K (⌘K on a Mac) opens the command palette from anywhere on the page.
    onCommandPaletteKey(palette) {
        this.offCommandPaletteKey();
        this._paletteKey = e => {
            if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
                e.preventDefault();
                palette.invokeMethodAsync("OpenAsync");
            }
        };
        document.addEventListener("keydown", this._paletteKey);
    },
    offCommandPaletteKey() {
        if (this._paletteKey) document.removeEventListener("keydown", this._paletteKey);
        this._paletteKey = null;
    },
};
