from clusteratlas.cli import main

main()
