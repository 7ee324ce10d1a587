from dossier.cli import run

# Guarded: batch workers started with spawn/forkserver re-import the main module.
if __name__ == "__main__":
    run()
