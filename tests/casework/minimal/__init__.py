"""A minimal case app for casework's own tests: one case model, a two-step flow routed on a process flag. It is
installed only by the test settings and registers a case type (not a workbench flow), so no other app sees it."""
