# Jupyter config loaded by scripts/lab.mjs (`npm run lab`, via --config). Why: a notebook saved with outputs changes
# the file's size, and git then lists it as modified even though its clean filter (scripts/nbstrip.mjs) would store
# nothing new. So the project's own notebooks (notebooks/NN-name.ipynb) are saved exactly as git holds them: no
# outputs, no execution counts, no kernel-written metadata. The outputs stay on screen for the session; executed
# copies with outputs are what `npm run notebooks` writes to notebooks/executed/. Notebooks anywhere else (copies,
# sub-folders) are saved untouched. ALPACARE_LAB_KEEP_OUTPUTS=1 turns this off.
import os
import re

# Keep in step with KEPT_CELL_METADATA in scripts/nbstrip.mjs.
_KEPT_CELL_METADATA = ("scrolled", "tags", "editable", "deletable", "slideshow")
_PROJECT_NOTEBOOK = re.compile(r"^\d+-[^/]*\.ipynb$")


def alpacare_strip_outputs(model, path, contents_manager, **kwargs):
    """Pre-save hook: strip outputs from the project's tracked notebooks (see the file comment)."""
    if model.get("type") != "notebook" or os.environ.get("ALPACARE_LAB_KEEP_OUTPUTS") == "1":
        return
    if not _PROJECT_NOTEBOOK.match(path.strip("/")):
        return
    nb = model["content"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        meta = cell.get("metadata", {})
        cell["metadata"] = {k: meta[k] for k in _KEPT_CELL_METADATA if k in meta}
    meta = nb.get("metadata", {})
    nb["metadata"] = {"kernelspec": meta["kernelspec"]} if "kernelspec" in meta else {}


c.ContentsManager.pre_save_hook = alpacare_strip_outputs  # noqa: F821 (`c` is Jupyter's config object)
