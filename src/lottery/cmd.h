/* schedtap lottery's commands that live in files of their own. */
#ifndef SCHEDTAP_LOTTERY_CMD_H
#define SCHEDTAP_LOTTERY_CMD_H
int lottery_dump(int argc, char **argv);
int lottery_simulate(int argc, char **argv);
#endif
