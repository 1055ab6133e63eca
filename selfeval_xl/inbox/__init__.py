"""What an inbox holds: every file under the given folders (spreadsheets, archive members and the
rest, each accounted for), and the guard that keeps outputs off the inputs."""
