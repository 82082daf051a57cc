from protolint.cli import main

main()
