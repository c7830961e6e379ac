"""The output folder: staged, then patched or swapped in; never anything that is not ours."""
