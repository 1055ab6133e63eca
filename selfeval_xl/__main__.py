from selfeval_xl.cli import main

main()
